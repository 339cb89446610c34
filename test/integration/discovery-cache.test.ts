/**
 * Discovery and JWKS are answered through Koa from bytes computed once per host: with an ETag a
 * client can revalidate with (304), Okta's Cache-Control, the provider's CORS, a fresh request
 * id each time, and new bytes as soon as the keys rotate.
 */
import { describe, expect, it } from 'vitest';
import { useTestProvider } from '../helpers/provider.js';

const provider = useTestProvider({ control: true });

describe('discovery and JWKS, computed once', () => {
  it('answers the same bytes with an ETag, and 304 to a client that has them', async () => {
    const url = `${provider.issuer}/.well-known/openid-configuration`;
    const first = await fetch(url);
    const second = await fetch(url);
    expect(first.status).toBe(200);
    expect(await second.text()).toBe(await first.text());
    const etag = second.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers.get('etag')).toBe(etag);
    expect(second.headers.get('cache-control')).toBe('max-age=86400, must-revalidate');
    expect(second.headers.get('content-type')).toMatch(/^application\/json/);
    expect(second.headers.get('access-control-allow-origin')).toBe('*');
    expect(second.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    expect(second.headers.get('x-content-type-options')).toBe('nosniff');
    expect(second.headers.get('x-okta-request-id')).not.toBe(
      first.headers.get('x-okta-request-id'),
    );
    const revalidated = await fetch(url, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
  });

  it('serves new keys, under a new ETag, once the keys rotate', async () => {
    const url = `${provider.issuer}/v1/keys`;
    const before = await fetch(url);
    const beforeTag = before.headers.get('etag');
    expect(before.headers.get('cache-control')).toBe('max-age=300, must-revalidate');
    const { kid } = (await provider.control?.rotateKeys()) ?? { kid: '' };
    const after = await fetch(url, { headers: { 'if-none-match': beforeTag ?? '' } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(beforeTag);
    const { keys } = (await after.json()) as { keys: { kid: string }[] };
    expect(keys.map((key) => key.kid)).toContain(kid);
  });

  it("answers each caller's origin, whoever asked first, and revalidates weak and listed tags", async () => {
    const url = `${provider.issuer}/v1/keys`;
    const first = await fetch(url, { headers: { origin: 'http://spa-a.test:3000' } });
    expect(first.headers.get('access-control-allow-origin')).toBe('http://spa-a.test:3000');
    const other = await fetch(url, { headers: { origin: 'http://spa-b.test:3000' } });
    expect(other.headers.get('access-control-allow-origin')).toBe('http://spa-b.test:3000');
    expect(other.headers.get('vary')).toMatch(/origin/i);
    const none = await fetch(url);
    expect(none.headers.get('access-control-allow-origin')).toBe('*');
    const etag = none.headers.get('etag') ?? '';
    for (const tag of [`W/${etag}`, `"other", ${etag}`, '*']) {
      expect((await fetch(url, { headers: { 'if-none-match': tag } })).status, tag).toBe(304);
    }
    expect((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
  });

  it('keeps the discovery of each host it was asked on apart', async () => {
    const port = new URL(provider.issuer).port;
    const path = '/oauth2/default/.well-known/openid-configuration';
    const viaLocalhost = (await (await fetch(`http://localhost:${port}${path}`)).json()) as {
      token_endpoint: string;
    };
    const viaLoopback = (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as {
      token_endpoint: string;
    };
    expect(new URL(viaLocalhost.token_endpoint).hostname).toBe('localhost');
    expect(new URL(viaLoopback.token_endpoint).hostname).toBe('127.0.0.1');
  });
});
