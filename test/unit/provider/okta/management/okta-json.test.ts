/** Okta's built-in Everyone in the Management API's view of a seed. */
import { describe, expect, it } from 'vitest';
import {
  everyoneGroupId,
  groupEntries,
  members,
  oktaGroup,
} from '../../../../../provider/okta/management/okta-json.js';
import { loadSeed } from '../../../../../seed/load.js';
import type { SeedInput } from '../../../../../seed/schema.js';
import { parseSeed } from '../../../../../seed/validate.js';

const base = (await loadSeed()) as unknown as SeedInput;
const view = {
  origin: 'http://localhost:4000',
  seededAt: '2026-01-01T00:00:00.000Z',
  lastLogins: new Map(),
};

function builtIn(entries: ReturnType<typeof groupEntries>) {
  const [first] = entries;
  if (!first?.builtIn) throw new Error('Everyone is not listed first');
  return first;
}

describe('groupEntries', () => {
  it('lists the built-in Everyone first, holding every user, when the seed does not name it', () => {
    const seed = parseSeed(base);
    const entries = groupEntries(seed);
    const everyone = builtIn(entries);
    expect(oktaGroup(everyone, view)).toMatchObject({
      id: everyoneGroupId,
      type: 'BUILT_IN',
      profile: { name: 'Everyone', description: 'All users in your organization' },
    });
    expect(members(seed, everyone)).toHaveLength(seed.users.length);
    expect(entries.slice(1).map((entry) => entry.group.name)).toEqual(
      seed.groups.map((group) => group.name),
    );
  });

  it('keeps a declared Everyone as the built-in group, with its description and id, once', () => {
    const declared = {
      id: '00gEveryoneTaskVant1',
      name: 'everyone',
      description: 'Every Task Vantage employee',
    };
    const seed = parseSeed({ ...base, groups: [declared, ...(base.groups ?? [])] });
    const entries = groupEntries(seed);
    expect(entries.filter((entry) => entry.group.name.toLowerCase() === 'everyone')).toHaveLength(
      1,
    );
    expect(oktaGroup(builtIn(entries), view)).toMatchObject({
      id: declared.id,
      type: 'BUILT_IN',
      profile: { name: 'Everyone', description: declared.description },
    });
    expect(members(seed, builtIn(entries))).toHaveLength(seed.users.length);
  });
});
