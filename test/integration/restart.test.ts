/**
 * Keys persist in the data directory, so what was issued before a restart still verifies:
 * access tokens against /v1/keys, and the ID token as id_token_hint at logout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Browser } from '../helpers/browser.js';
import { verifyJwt } from '../helpers/jwks.js';
import { seededClient, seededUser, startTestProvider } from '../helpers/provider.js';

describe('restarting with the same data directory', () => {
  it('accepts tokens and id_token_hint issued before the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-restart-'));
    const first = await startTestProvider({ dataDir });
    const web = seededClient(first.seed, 'web');
    const { tokens } = await first.login({
      user: seededUser(first.seed, 'grace').id,
      client: web.client_id,
      scope: 'openid',
    });
    await first.stop();

    const second = await startTestProvider({ dataDir, port: Number(new URL(first.url).port) });
    try {
      expect(second.issuer).toBe(first.issuer);
      await verifyJwt(tokens.access_token, second.issuer, 'api://default');

      const logout = new URL(`${second.issuer}/v1/logout`);
      logout.searchParams.set('id_token_hint', tokens.id_token ?? '');
      logout.searchParams.set('post_logout_redirect_uri', web.post_logout_redirect_uris[0] ?? '');
      const landed = await new Browser().open(logout.href, web.post_logout_redirect_uris[0]);
      expect(landed.status).toBe(303);
      expect(landed.url).toBe(web.post_logout_redirect_uris[0]);
    } finally {
      await second.stop();
    }
  });
});
