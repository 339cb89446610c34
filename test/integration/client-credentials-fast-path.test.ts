/**
 * client_credentials answered before Koa (okta/client-credentials-fast-path.ts) is the same
 * answer oidc-provider gives. Two instances on the same keys: one without the control plane,
 * where the fast path answers what it can, and one with it, sent every body chunked (a
 * request the fast path never takes), so that Koa and oidc-provider answer there. Each request
 * goes to both; status, headers, JSON and the token's header and claims must agree, for the
 * grants it answers and for every request it hands on, body and all. With the control plane
 * the fast path answers too, except while a token failure is injected.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  newKeyMaterial,
  readKeyFile,
  rotateKeys,
  writeKeyFile,
} from '../../provider/oidc/keys.js';
import { seededClient, startTestProvider, type TestProvider } from '../helpers/provider.js';

let fast: TestProvider;
let koa: TestProvider;
const dirs: string[] = [];
beforeAll(async () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'understudy-fast-keys-'));
  // A rotated key set: the token must carry the kid oidc-provider would sign with.
  const rotated = rotateKeys(await newKeyMaterial(), await generateSigningKey(), 3600);
  await writeKeyFile(keysDir, rotated);
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'understudy-fast-'));
    cpSync(keysDir, dir, { recursive: true });
    dirs.push(dir);
    return dir;
  };
  dirs.push(keysDir);
  fast = await startTestProvider({ dataDir: copy() });
  koa = await startTestProvider({ dataDir: copy(), control: true });
});
afterAll(async () => {
  await Promise.all([fast?.stop(), koa?.stop()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Request {
  body: string;
  headers?: Record<string, string>;
  /** The service's credentials unless given; `null` sends no Authorization header. */
  credentials?: [string, string] | null;
}

const basic = ([id, secret]: [string, string]) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function send(provider: TestProvider, request: Request, { chunked = false } = {}) {
  const service = seededClient(provider.seed, 'service');
  const credentials =
    request.credentials === undefined
      ? ([service.client_id, service.client_secret ?? ''] as [string, string])
      : request.credentials;
  const response = await fetch(`${provider.issuer}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(credentials ? { authorization: basic(credentials) } : {}),
      ...request.headers,
    },
    ...(chunked
      ? {
          body: new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(request.body));
              controller.close();
            },
          }),
          duplex: 'half',
        }
      : { body: request.body }),
  } as RequestInit);
  return { response, text: await response.text() };
}

/** What must be equal across the two: no per-answer values (ids, dates, nonces, the port). */
function comparable(provider: TestProvider, { response, text }: Awaited<ReturnType<typeof send>>) {
  const perAnswer = new Set([
    'date',
    'content-length',
    'x-okta-request-id',
    'content-security-policy',
    'connection',
    'keep-alive',
  ]);
  const origin = new URL(provider.issuer).origin;
  const headers = Object.fromEntries(
    [...response.headers]
      .filter(([name]) => !perAnswer.has(name))
      .map(([name, value]) => [name, value.replaceAll(origin, '<origin>')]),
  );
  const body = JSON.parse(text.replaceAll(origin, '<origin>')) as Record<string, unknown>;
  if (typeof body.access_token !== 'string') return { status: response.status, headers, body };
  const { access_token: token, ...rest } = body;
  const claims = decodeJwt(token);
  expect(claims.iss).toBe(provider.issuer);
  expect(claims.jti).toMatch(/^[\w-]{43}$/);
  expect(Number(claims.exp) - Number(claims.iat)).toBe(rest.expires_in);
  const stable = Object.fromEntries(
    Object.entries(claims).filter(([name]) => !['jti', 'iat', 'exp', 'iss'].includes(name)),
  );
  return {
    status: response.status,
    headers,
    body: rest,
    header: decodeProtectedHeader(token),
    claimNames: Object.keys(claims),
    claims: stable,
  };
}

/** Answered before Koa: the CSP of data, where every answer through Koa carries a page nonce. */
const dataPolicy = "default-src 'none'; frame-ancestors 'none'";

async function bothAgree(request: Request) {
  const [fromFast, fromKoa] = await Promise.all([
    send(fast, request),
    send(koa, request, { chunked: true }),
  ]);
  const answer = comparable(fast, fromFast);
  expect(answer).toEqual(comparable(koa, fromKoa));
  expect(fromKoa.response.headers.get('content-security-policy')).toMatch(/nonce-/);
  const beforeKoa = fromFast.response.headers.get('content-security-policy') === dataPolicy;
  return { answer, beforeKoa, fast: fromFast, koa: fromKoa };
}

describe('client_credentials before Koa', () => {
  it('answers a grant itself, with the token and JSON oidc-provider would give', async () => {
    const {
      answer,
      beforeKoa,
      fast: fromFast,
    } = await bothAgree({
      body: 'grant_type=client_credentials&scope=expenses%3Aread',
    });
    expect(answer.status).toBe(200);
    expect(answer.claims).toMatchObject({ scp: ['expenses:read'], aud: 'api://default' });
    expect(beforeKoa).toBe(true);
    // Signed with the current key of a rotated set, and verifiable from the JWKS.
    const token = (JSON.parse(fromFast.text) as { access_token: string }).access_token;
    const { protectedHeader } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(`${fast.issuer}/v1/keys`)),
      { issuer: fast.issuer, audience: 'api://default' },
    );
    const current = await readKeyFile(fast.dataDir);
    expect(protectedHeader.kid).toBe(current?.signingKeys[0]?.kid);
    expect(current?.signingKeys).toHaveLength(2);
  });

  it.each([
    ['no scope', 'grant_type=client_credentials'],
    ['an empty scope', 'grant_type=client_credentials&scope='],
    [
      'repeated and unknown scopes',
      'grant_type=client_credentials&scope=openid+expenses%3Aread+expenses%3Aread+nope',
    ],
    ['only unknown scopes', 'grant_type=client_credentials&scope=nope'],
    ['the body first', 'scope=expenses%3Aread&grant_type=client_credentials'],
  ])('agrees with oidc-provider on %s', async (_name, body) => {
    const { answer, beforeKoa } = await bothAgree({ body });
    expect(answer.status).toBe(200);
    expect(beforeKoa).toBe(true);
  });

  it.each<[string, Request, number]>([
    ['an unknown client', { body: 'grant_type=client_credentials', credentials: ['x', 'y'] }, 401],
    ['no credentials', { body: 'grant_type=client_credentials', credentials: null }, 400],
    ['another grant', { body: 'grant_type=password&username=a&password=b' }, 400],
    ['no grant_type', { body: 'scope=expenses%3Aread' }, 400],
    ['a repeated parameter', { body: 'grant_type=client_credentials&scope=a&scope=b' }, 400],
    ['a resource indicator', { body: 'grant_type=client_credentials&resource=urn%3Aother' }, 400],
    [
      'the client_id in the body as well',
      { body: 'grant_type=client_credentials&client_id=someone-else' },
      400,
    ],
    [
      'a browser origin',
      { body: 'grant_type=client_credentials', headers: { origin: 'http://localhost:3000' } },
      400,
    ],
    [
      'a JSON body',
      {
        body: '{"grant_type":"client_credentials"}',
        headers: { 'content-type': 'application/json' },
      },
      400,
    ],
    [
      "a resource indicator for the server's own audience",
      { body: 'grant_type=client_credentials&resource=api%3A%2F%2Fdefault' },
      200,
    ],
    ['a scope with a stray space', { body: 'grant_type=client_credentials&scope=+' }, 400],
    [
      'scopes two spaces apart',
      { body: 'grant_type=client_credentials&scope=openid++expenses%3Aread' },
      400,
    ],
    [
      'a client attestation',
      {
        body: 'grant_type=client_credentials',
        headers: { 'oauth-client-attestation': 'e30.e30.sig' },
      },
      400,
    ],
  ])('hands %s on to oidc-provider, body and all', async (_name, request, status) => {
    const { answer, beforeKoa } = await bothAgree(request);
    expect(answer.status).toBe(status);
    expect(beforeKoa).toBe(false);
  });

  it('hands on Basic credentials in Base64 that oidc-provider refuses', async () => {
    const service = seededClient(fast.seed, 'service');
    const unpadded = Buffer.from(`${service.client_id}:${service.client_secret ?? ''}`)
      .toString('base64')
      .replace(/=+$/, '');
    // Node's decoder takes this padding; RFC 4648, and oidc-provider, do not.
    const wrong = `${unpadded}${unpadded.length % 4 === 3 ? '==' : '='}`;
    const { answer, beforeKoa } = await bothAgree({
      body: 'grant_type=client_credentials',
      headers: { authorization: `Basic ${wrong}` },
    });
    expect(answer.status).toBe(400);
    expect(beforeKoa).toBe(false);
  });

  it('hands on a wrong secret', async () => {
    const service = seededClient(fast.seed, 'service');
    const { answer } = await bothAgree({
      body: 'grant_type=client_credentials',
      credentials: [service.client_id, 'not-the-secret'],
    });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('hands on a client that may not use the grant', async () => {
    const web = seededClient(fast.seed, 'web');
    const { answer } = await bothAgree({
      body: 'grant_type=client_credentials',
      credentials: [web.client_id, web.client_secret ?? ''],
    });
    expect(answer.status).toBe(400);
  });

  it('answers with the control plane too, but leaves an injected failure to the route table', async () => {
    const grantBody = 'grant_type=client_credentials&scope=expenses%3Aread';
    const policy = async () => {
      const { response } = await send(koa, { body: grantBody });
      return { status: response.status, csp: response.headers.get('content-security-policy') };
    };
    expect(await policy()).toEqual({ status: 200, csp: dataPolicy });
    const control = koa.control;
    if (!control) throw new Error('the reference instance has no control plane');
    await control.failNext('token', 'invalid_grant', 'injected by the fast path test', 2);
    const failed = await send(koa, { body: grantBody });
    expect(failed.response.status).toBe(400);
    expect(JSON.parse(failed.text)).toEqual({
      error: 'invalid_grant',
      error_description: 'injected by the fast path test',
    });
    expect(failed.response.headers.get('content-security-policy')).toMatch(/nonce-/);
    expect((await policy()).status).toBe(400);
    // Both taken: the fast path answers again.
    expect(await policy()).toEqual({ status: 200, csp: dataPolicy });
  });

  it('agrees with oidc-provider on 300 malformed requests, and never answers 5xx', async () => {
    // A fixed seed: the same requests every run (32-bit arithmetic, high bits used).
    let state = 14;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 16) % n;
    };
    const pieces = [
      'grant_type=client_credentials',
      'grant_type=',
      'grant_type=client_credentials%00',
      'scope=expenses%3Aread',
      'scope=%E0%A4%A',
      'scope=%ZZ',
      `scope=${'a'.repeat(3000)}`,
      'scope=+',
      'scope=openid++expenses%3Aread',
      'scope=%22',
      'scope',
      '=',
      '&&',
      'grant_type[]=client_credentials',
      '__proto__=x',
      'constructor=x',
      'client_secret=x',
      '\u00ff=\u00ff',
    ];
    const service = seededClient(fast.seed, 'service');
    const headerSets: (Record<string, string> | undefined)[] = [
      undefined,
      { 'content-type': 'application/x-www-form-urlencoded; charset=latin1' },
      { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      { authorization: 'Basic' },
      { authorization: 'Basic !!!!' },
      { authorization: `Basic ${Buffer.from(service.client_id).toString('base64')}` },
      { authorization: `Basic ${Buffer.from(`${service.client_id}:%E0`).toString('base64')}` },
      { authorization: `basic ${Buffer.from(`${service.client_id}:x`).toString('base64')}` },
    ];
    const seen = new Set<string>();
    let answeredBeforeKoa = 0;
    for (let i = 0; i < 300; i += 1) {
      // Half of them start as a grant would, so both paths get their share.
      const first = next(2) === 0 ? 'grant_type=client_credentials' : pieces[next(pieces.length)];
      const rest = Array.from({ length: next(3) }, () => pieces[next(pieces.length)]);
      const body = [first, ...rest].join('&');
      const headers = next(2) === 0 ? undefined : headerSets[next(headerSets.length)];
      seen.add(`${JSON.stringify(headers)} ${body}`);
      const { answer, beforeKoa } = await bothAgree({ body, ...(headers ? { headers } : {}) });
      expect(answer.status, body).toBeLessThan(500);
      if (beforeKoa) answeredBeforeKoa += 1;
    }
    // Varied enough to mean something, and both paths taken.
    expect(seen.size).toBeGreaterThan(200);
    expect(answeredBeforeKoa).toBeGreaterThan(5);
    expect(answeredBeforeKoa).toBeLessThan(295);
  });
});
