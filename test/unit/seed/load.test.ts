/**
 * A bad seed stops start-up with the file, the path inside it and the problem.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSeedPath, loadSeed, SeedError } from '../../../seed/load.js';
import { formatPath } from '../../../seed/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'understudy-seed-'));
const valid = await loadSeed();

async function problemsOf(content: unknown, name = 'seed.json') {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  const error = await loadSeed(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SeedError);
  const seedError = error as SeedError;
  expect(seedError.file).toBe(file);
  expect(seedError.message).toContain(file);
  return seedError.problems;
}

async function loadsFrom(content: unknown, name = 'seed.json') {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(content));
  return loadSeed(file);
}

type Entry = Record<string, unknown>;

/** Changes one entry of a list; `undefined` removes a field (JSON.stringify drops it). */
function patch(list: Entry[], index: number, changes: Entry) {
  const entry = list[index];
  if (!entry) throw new Error(`no entry ${index}`);
  Object.assign(entry, changes);
}

const withUsers = (mutate: (users: Entry[]) => void) => {
  const users = structuredClone(valid.users) as unknown as Entry[];
  mutate(users);
  return { ...valid, users };
};

const withClients = (mutate: (clients: Entry[]) => void) => {
  const clients = structuredClone(valid.clients) as unknown as Entry[];
  mutate(clients);
  return { ...valid, clients };
};

describe('loadSeed', () => {
  it('loads the default seed: six demo users, their groups and the clients', () => {
    expect(valid.users.map((user) => user.login)).toEqual([
      'hannah.smith@task-vantage.com',
      'grace.li@task-vantage.com',
      'frank.wilson@task-vantage.com',
      'carol.lee@task-vantage.com',
      'alice.johnson@task-vantage.com',
      'sarah.morgan@task-vantage.com',
    ]);
    for (const user of valid.users) expect(user.id).toMatch(/^00u[A-Za-z0-9]{17}$/);
    expect(valid.users.find((user) => user.login.startsWith('hannah'))?.groups).toEqual(['admin']);
    expect(valid.authorizationServers[0]).toMatchObject({
      id: 'default',
      audience: 'api://default',
    });
    expect(valid.groups.map((group) => group.name).sort()).toEqual([
      'admin',
      'dev-advocacy',
      'finance',
      'hr',
      'legal',
      'marketing',
    ]);
    for (const client of valid.clients) {
      if (client.client_secret) expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(Object.isFrozen(valid.users[0])).toBe(true);
  });

  it('reports malformed JSON with its line and column', async () => {
    expect(await problemsOf('{\n  "users": [ }')).toEqual([
      "malformed JSON at line 2, column 14: Unexpected token '}'",
    ]);
    expect(await problemsOf('{\n  "users": [],\n}')).toEqual([
      'malformed JSON at line 3, column 1: Expected double-quoted property name',
    ]);
  });

  it('reports a missing file', async () => {
    await expect(loadSeed(join(dir, 'nope.json'))).rejects.toThrow(
      /nope\.json:\n\s+file not found/,
    );
  });

  it('names an unknown group with its path', async () => {
    const problems = await problemsOf(
      withUsers((users) => patch(users, 3, { groups: ['finance', 'sales'] })),
    );
    expect(problems).toEqual([
      'users[3].groups[1]: unknown group "sales" (known groups: Everyone, finance, hr, legal, marketing, dev-advocacy, admin)',
    ]);
  });

  it('names a duplicate user id', async () => {
    const problems = await problemsOf(withUsers((users) => patch(users, 2, { id: users[0]?.id })));
    expect(problems).toEqual([
      `users[2].id: duplicate id "${valid.users[0]?.id}" (also at users[0])`,
    ]);
  });

  it('names a missing field', async () => {
    const problems = await problemsOf(withUsers((users) => patch(users, 3, { email: undefined })));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^users\[3\]\.email: /);
  });

  it('names a malformed email', async () => {
    const problems = await problemsOf(
      withUsers((users) => patch(users, 1, { email: 'grace at example' })),
    );
    expect(problems[0]).toMatch(/^users\[1\]\.email: Invalid email/);
  });

  it('names a bad redirect URI', async () => {
    const problems = await problemsOf(
      withClients((clients) =>
        patch(clients, 0, { redirect_uris: ['http://localhost:3000/cb#frag', '/relative'] }),
      ),
    );
    expect(problems).toEqual([
      'clients[0].redirect_uris[0]: must be an absolute http(s) URL without a fragment',
      'clients[0].redirect_uris[1]: must be an absolute http(s) URL without a fragment',
    ]);
  });

  it('refuses secrets that Okta libraries would mangle in HTTP Basic', async () => {
    const problems = await problemsOf(
      withClients((clients) => patch(clients, 0, { client_secret: 'abc+def%ghijklmnop' })),
    );
    expect(problems[0]).toMatch(
      /^clients\[0\]\.client_secret: must be at least 16 characters from/,
    );
  });

  it('refuses unknown fields so typos do not pass silently', async () => {
    const problems = await problemsOf(withUsers((users) => patch(users, 0, { gruops: [] }))); // sic
    expect(problems[0]).toMatch(/^users\[0\]: Unrecognized key: "gruops"/);
  });

  it("refuses a user id that does not look like Okta's", async () => {
    const problems = await problemsOf(withUsers((users) => patch(users, 0, { id: 'hannah' })));
    expect(problems).toEqual([
      'users[0].id: must be "00u" followed by 17 letters or digits, like Okta\'s ids',
    ]);
  });
});

describe('the org authorization server', () => {
  it("keeps the org authorization server's ids to itself", async () => {
    const servers = structuredClone(valid.authorizationServers) as unknown as Entry[];
    patch(servers, 0, { id: 'org' });
    expect(await problemsOf({ ...valid, authorizationServers: servers })).toEqual([
      'authorizationServers[0].id: is a path of the org authorization server (/oauth2/v1, /oauth2/interaction); choose another id',
    ]);
  });
});

describe("Okta's built-in Everyone in a seed", () => {
  it('loads a seed whose users name Everyone, and keeps their lists to the other groups', async () => {
    const seed = await loadsFrom(
      withUsers((users) => patch(users, 0, { groups: ['Everyone', 'admin'] })),
    );
    expect(seed.users[0]?.groups).toEqual(['admin']);
    // A team may belong to every user too.
    const teams = structuredClone(valid.teams) as unknown as Entry[];
    patch(teams, 0, { group: 'Everyone' });
    expect((await loadsFrom({ ...valid, teams })).teams[0]?.group).toBe('Everyone');
  });

  it('loads a seed that declares Everyone, and refuses it twice', async () => {
    const declared = { name: 'Everyone', description: 'Every Task Vantage employee' };
    const seed = await loadsFrom({ ...valid, groups: [...valid.groups, declared] });
    expect(seed.groups.at(-1)).toEqual(declared);
    const twice = [...valid.groups, declared, { name: 'everyone' }];
    expect(await problemsOf({ ...valid, groups: twice })).toEqual([
      `groups[${valid.groups.length + 1}].name: duplicate name "Everyone" (also at groups[${valid.groups.length}])`,
    ]);
  });
});

describe('the groups claim of an authorization server', () => {
  const withClaim = (groupsClaim: unknown) => {
    const servers = structuredClone(valid.authorizationServers) as unknown as Entry[];
    patch(servers, 0, { groupsClaim });
    return { ...valid, authorizationServers: servers };
  };

  it("defaults to Okta's guide: groups, matching the regex .*, in both tokens", () => {
    expect(valid.authorizationServers[0]?.groupsClaim).toEqual({
      name: 'groups',
      filter: { type: 'regex', value: '.*' },
      include: 'both',
    });
  });

  it('refuses a filter that is not a valid regular expression, with file and path', async () => {
    const problems = await problemsOf(withClaim({ filter: { type: 'regex', value: 'fin(' } }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^authorizationServers\[0\]\.groupsClaim\.filter\.value: is not a valid regular expression \(.+\)$/,
    );
  });

  it('refuses an unknown filter type, a claim name Understudy computes, and an empty value', async () => {
    expect(
      await problemsOf(
        withClaim({ name: 'sub', include: 'userinfo', filter: { type: 'endsWith', value: '' } }),
      ),
    ).toEqual([
      'authorizationServers[0].groupsClaim.name: is a claim Understudy computes itself; choose another name',
      'authorizationServers[0].groupsClaim.filter.type: Invalid option: expected one of "startsWith"|"equals"|"contains"|"regex"',
      'authorizationServers[0].groupsClaim.filter.value: Too small: expected string to have >=1 characters',
      'authorizationServers[0].groupsClaim.include: Invalid option: expected one of "idToken"|"accessToken"|"both"',
    ]);
  });
});

describe('seed fields for the Management API and private_key_jwt', () => {
  it('wants public keys for a private_key_jwt client, and no private parts', async () => {
    const service = {
      client_id: 'svc-app',
      client_name: 'Service',
      token_endpoint_auth_method: 'private_key_jwt',
      grant_types: ['client_credentials'],
    };
    const index = valid.clients.length;
    expect(await problemsOf({ ...valid, clients: [...valid.clients, service] })).toEqual([
      `clients[${index}].jwks: is required for token_endpoint_auth_method "private_key_jwt" (the public keys of its assertions)`,
    ]);
    const leaked = { ...service, jwks: { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', d: 'secret' }] } };
    expect(await problemsOf({ ...valid, clients: [...valid.clients, leaked] })).toEqual([
      `clients[${index}].jwks.keys[0].d: is a private key part; the seed holds only the public keys`,
    ]);
  });

  it('names an API token whose user is not in the seed', async () => {
    const apiTokens = [
      { name: 'ci', token: 'a-token-of-sixteen-chars', user: 'nobody@example.com' },
    ];
    expect(await problemsOf({ ...valid, apiTokens })).toEqual([
      'apiTokens[0].user: no user with id or login "nobody@example.com"',
    ]);
  });
});

describe('validated-seed caches', () => {
  const schemaHash = 'schema-1';
  /** A seed file of its own, and a cache directory that loadSeed has written once. */
  async function filledCache() {
    const cacheDir = mkdtempSync(join(tmpdir(), 'understudy-seed-cache-'));
    const file = join(cacheDir, 'seed.json');
    copyFileSync(defaultSeedPath, file);
    await loadSeed(file, [{ dir: cacheDir, schemaHash }]);
    const cacheFile = join(cacheDir, 'validated-seed.json');
    // The cached seed, renamed: a start that reads it shows the new name, one that
    // validates the file shows the old.
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    cached.seed.org.name = 'From the cache';
    writeFileSync(cacheFile, JSON.stringify(cached));
    return { cacheDir, file, cacheFile };
  }

  it('reads a seed validated before, for the same text under the same schema, frozen', async () => {
    const { cacheDir, file } = await filledCache();
    const seed = await loadSeed(file, [{ dir: cacheDir, schemaHash }]);
    expect(seed.org.name).toBe('From the cache');
    expect(Object.isFrozen(seed.users[0])).toBe(true);
  });

  it('validates again when the file or the schema changed, and keeps the new result', async () => {
    const { cacheDir, file, cacheFile } = await filledCache();
    expect((await loadSeed(file, [{ dir: cacheDir, schemaHash: 'schema-2' }])).org.name).toBe(
      valid.org.name,
    );
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n`);
    expect((await loadSeed(file, [{ dir: cacheDir, schemaHash }])).org.name).toBe(valid.org.name);
    expect(JSON.parse(readFileSync(cacheFile, 'utf8')).seed.org.name).toBe(valid.org.name);
  });

  it('never writes a read-only cache, and reads it before a writable one', async () => {
    const { file, cacheFile } = await filledCache();
    const shipped = mkdtempSync(join(tmpdir(), 'understudy-seed-shipped-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-seed-data-'));
    // A miss in the read-only cache is validated and kept in the writable one only.
    const missed = await loadSeed(file, [
      { dir: shipped, schemaHash, readOnly: true },
      { dir: dataDir, schemaHash },
    ]);
    expect(missed.org.name).toBe(valid.org.name);
    expect(readdirSync(shipped)).toEqual([]);
    expect(readdirSync(dataDir)).toEqual(['validated-seed.json']);
    copyFileSync(cacheFile, join(shipped, 'validated-seed.json'));
    const hit = await loadSeed(file, [
      { dir: shipped, schemaHash, readOnly: true },
      { dir: dataDir, schemaHash },
    ]);
    expect(hit.org.name).toBe('From the cache');
  });

  it('still names the problem in a bad seed, and caches nothing for it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'understudy-seed-cache-'));
    const file = join(cacheDir, 'seed.json');
    writeFileSync(file, JSON.stringify({ ...valid, users: 'none' }));
    const error = await loadSeed(file, [{ dir: cacheDir, schemaHash }]).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SeedError);
    expect(readdirSync(cacheDir)).toEqual(['seed.json']);
  });
});

describe('formatPath', () => {
  it('writes paths the way a reader would look them up', () => {
    expect(formatPath(['users', 3, 'email'])).toBe('users[3].email');
    expect(formatPath(['clients', 0, 'redirect_uris', 1])).toBe('clients[0].redirect_uris[1]');
    expect(formatPath(['users', 0, 'claims', 'https://x/y'])).toBe(
      'users[0].claims["https://x/y"]',
    );
    expect(formatPath([])).toBe('');
  });
});
