/**
 * Nothing lost on restart: the bundled CLI, killed with SIGKILL and started again on the same
 * data directory, still honours what it answered with (a refresh token, an access token at
 * userinfo, the SSO session, a user made through the Management API, a revocation), because
 * its default store is the data directory's SQLite file. `--store memory` forgets, as
 * documented, and a store file it cannot read stops the start with its name, unchanged.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { loadSeed } from '../../seed/load.js';
import { Browser, passwordForm, userPicker } from '../helpers/browser.js';
import { freePort } from '../helpers/child-app.js';
import { runCli, startCli } from '../helpers/cli.js';
import { introspect } from '../helpers/introspect.js';
import { seededClient, seededUser } from '../helpers/provider.js';
import { buildAuthorization, discoverFor, redeemCallback } from '../helpers/relying-party.js';

const seed = await loadSeed();
const web = seededClient(seed, 'web');
const carol = seededUser(seed, 'carol.lee');
const apiToken = seed.apiTokens[0]?.token ?? '';

async function signIn(issuer: string, browser: Browser) {
  const config = await discoverFor(issuer, web);
  const begun = await buildAuthorization(config, web.redirect_uris[0] ?? '', {
    scope: 'openid profile offline_access',
  });
  const login = await browser.open(begun.url.href, begun.redirectUri);
  const callback = login.url.startsWith(begun.redirectUri)
    ? login
    : await browser.submit(userPicker(login), { user_id: carol.id }, begun.redirectUri);
  return { config, tokens: await redeemCallback(config, begun, callback.url), silent: login };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('the durable default store', () => {
  it('keeps tokens, the session, API-made users and revocations across a SIGKILL', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-durable-'));
    const port = String(await freePort());
    const args = ['--port', port, '--data-dir', dataDir];
    const first = await startCli(args);
    const browser = new Browser();
    const { tokens } = await signIn(first.issuer, browser);
    const origin = new URL(first.issuer).origin;
    const created = await fetch(`${origin}/api/v1/users?activate=true`, {
      method: 'POST',
      headers: { authorization: `SSWS ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        profile: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          email: 'ada@example.com',
          login: 'ada@example.com',
        },
        credentials: { password: { value: 'Analytical-Engine-1' } },
      }),
    });
    expect(created.status).toBe(200);
    const { tokens: revokedLater } = await signIn(first.issuer, new Browser());
    const revocation = await fetch(`${first.issuer}/v1/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${web.client_id}:${web.client_secret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: revokedLater.access_token }),
    });
    expect(revocation.status).toBe(200);
    await kill(first.child);

    const second = await startCli(args);
    try {
      expect(second.issuer).toBe(first.issuer);
      const config = await discoverFor(second.issuer, web);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.claims()?.sub).toBe(carol.id);

      const userinfo = await fetch(`${second.issuer}/v1/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(userinfo.status).toBe(200);

      // The browser's session: signed in again without a page.
      const again = await signIn(second.issuer, browser);
      expect(again.silent.url.startsWith(web.redirect_uris[0] ?? '')).toBe(true);
      expect(again.tokens.claims()?.sub).toBe(carol.id);

      // Ada, made through the Management API before the kill, is listed and signs in.
      const listed = await fetch(`${origin}/api/v1/users?q=ada`, {
        headers: { authorization: `SSWS ${apiToken}`, accept: 'application/json' },
      });
      expect(((await listed.json()) as { profile: { login: string } }[])[0]?.profile.login).toBe(
        'ada@example.com',
      );
      const adaStart = await buildAuthorization(config, web.redirect_uris[0] ?? '');
      const adaBrowser = new Browser();
      const page = await adaBrowser.open(adaStart.url.href, adaStart.redirectUri);
      const back = await adaBrowser.submit(
        passwordForm(page),
        { identifier: 'ada@example.com', 'credentials.passcode': 'Analytical-Engine-1' },
        adaStart.redirectUri,
      );
      expect(new URL(back.url).searchParams.get('code')).toEqual(expect.any(String));

      expect((await introspect(second.issuer, web, revokedLater.access_token)).active).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('forgets everything with --store memory, as documented', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-memory-'));
    const args = ['--port', String(await freePort()), '--data-dir', dataDir, '--store', 'memory'];
    const first = await startCli(args);
    const { tokens } = await signIn(first.issuer, new Browser());
    await kill(first.child);
    const second = await startCli(args);
    try {
      const config = await discoverFor(second.issuer, web);
      await expect(
        client.refreshTokenGrant(config, tokens.refresh_token ?? ''),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    } finally {
      await second.stop();
    }
  });

  it('refuses a store file it cannot read, naming it, and leaves it as it was', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-corrupt-'));
    const file = join(dataDir, 'understudy.sqlite');
    writeFileSync(file, 'this is not a database, but it is somebody’s file\n'.repeat(200));
    const before = readFileSync(file);
    const corrupt = await runCli(['--port', '0', '--data-dir', dataDir]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain(file);
    expect(corrupt.stderr).toContain('is not an Understudy store');
    expect(readFileSync(file).equals(before)).toBe(true);

    const newer = mkdtempSync(join(tmpdir(), 'understudy-newer-'));
    const db = new DatabaseSync(join(newer, 'understudy.sqlite'));
    db.exec(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', '99');",
    );
    db.close();
    const refused = await runCli(['--port', '0', '--data-dir', newer]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was written by a newer Understudy');
  });
});
