import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSeedJsonSchema } from '../../../seed/json-schema.js';

describe('seed/seed.schema.json', () => {
  it('is up to date with the zod schema (run `npm run seed:schema` after changing it)', () => {
    const committed = readFileSync(
      new URL('../../../seed/seed.schema.json', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderSeedJsonSchema());
  });

  it('describes the seed for editors', () => {
    const schema = JSON.parse(renderSeedJsonSchema());
    expect(schema.required).toEqual(
      expect.arrayContaining(['authorizationServers', 'users', 'clients']),
    );
    expect(schema.properties.users.items.properties.id.pattern).toBe('^00u[A-Za-z0-9]{17}$');
  });
});
