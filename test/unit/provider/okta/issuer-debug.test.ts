import type { SeedAuthorizationServer } from '../../../../seed/schema.js';
import type { Middleware } from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  foreignHostWarnings,
  issuerDebug,
  warnOnForeignHost,
} from '../../../../provider/okta/server/issuer-debug.js';
import { callMiddleware } from '../../../helpers/koa.js';

afterEach(() => vi.restoreAllMocks());

const server: SeedAuthorizationServer = {
  id: 'default',
  audience: 'api://default',
  scopes: [],
  refreshTokenLifetimeSeconds: 1,
  groupsClaim: { name: 'groups', filter: { type: 'regex', value: '.*' }, include: 'both' },
};

describe('the issuer check', () => {
  it('tells whether the request came in on the issuer host', async () => {
    const answer = await callMiddleware(
      [
        issuerDebug(
          {
            issuer: 'http://localhost:4000/oauth2/default',
            discovery: 'http://localhost:4000/oauth2/default/.well-known/openid-configuration',
            jwks: 'http://localhost:4000/oauth2/default/v1/keys',
          },
          server,
          [],
        ),
      ],
      { headers: { accept: 'application/json' } },
    );
    expect(answer.json()).toMatchObject({
      issuer: 'http://localhost:4000/oauth2/default',
      issuerMatchesRequest: false,
      audience: 'api://default',
    });
  });

  it('warns once per foreign host, and never for the issuer host', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const check = warnOnForeignHost('http://localhost:4000/oauth2/default');
    const pass: Middleware = (ctx) => {
      ctx.body = 'ok';
    };
    for (let i = 0; i < 3; i += 1) {
      await callMiddleware([check, pass], { headers: { host: 'elsewhere.test' } });
    }
    await callMiddleware([check, pass], { headers: { host: 'localhost:4000' } });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('http://elsewhere.test');
  });

  it('names a few foreign hosts, then says once that it stops, and remembers no more', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const check = warnOnForeignHost('http://localhost:4000/oauth2/default');
    const pass: Middleware = (ctx) => {
      ctx.body = 'ok';
    };
    for (let i = 0; i < 20; i += 1) {
      await callMiddleware([check, pass], { headers: { host: `host-${i}.test` } });
    }
    expect(warn).toHaveBeenCalledTimes(foreignHostWarnings + 1);
    expect(String(warn.mock.calls.at(-1)?.[0])).toContain('no more of them are reported');
  });
});
