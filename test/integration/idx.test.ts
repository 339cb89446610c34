/**
 * Identity Engine's IDX API over plain fetch, as okta-auth-js and the Sign-In Widget call it,
 * with nothing of theirs in between: /v1/interact, /idp/idx/introspect, the remediations, and
 * the interaction code at /v1/token. It proves the answers keep the shape the SDK and the
 * widget parse (version 1.0.0, one state handle, immutable stateHandle fields, `relatesTo`
 * paths that resolve), Okta's error answers (statuses, i18n keys, where the message sits), the
 * app's policy and `acr_values` with Google Authenticator and email codes, identifier-first,
 * the SSO session an IDX sign-in starts, credentialed CORS and the client's trusted origins,
 * and the hosted widget's page, files and way back. A broken step here breaks every app that
 * signs in with its own forms, so each test checks what an SDK would trip on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../provider/okta/index.js';
import type { SeedInput, SeedUser } from '../../seed/schema.js';
import { seededClient, seededUser, seedWith, useTestProvider } from '../helpers/provider.js';
import { outboxCodes, totpSecretOf, wrongTotp } from '../helpers/codes.js';

const idxType = 'application/ion+json; okta-version=1.0.0';
const twoFactor = 'urn:okta:loa:2fa:any';
const appOrigin = 'http://localhost:8080';
const redirectUri = `${appOrigin}/login/callback`;

/** The app under test: public, with the interaction code grant, trusting its own origin. */
const idxApp = {
  client_id: '0oaIdxPlainFetch0001',
  client_name: 'IDX app over fetch',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'interaction_code', 'refresh_token'],
  redirect_uris: [redirectUri],
  allowedOrigins: [appOrigin],
} satisfies SeedInput['clients'][number];

/** Another app with the grant, whose interaction codes the first one must not spend. */
const otherApp = {
  ...idxApp,
  client_id: '0oaIdxOtherFetch0001',
  client_name: 'Another IDX app',
} satisfies SeedInput['clients'][number];

/** An app whose policy asks every user for a second factor. */
const strictApp = {
  ...idxApp,
  client_id: '0oaIdxTwoFactor00001',
  client_name: 'IDX app with a 2fa policy',
  authenticationPolicy: '2fa',
} satisfies SeedInput['clients'][number];

const withIdxClients = (base: SeedInput) => ({ clients: [...base.clients, idxApp, otherApp] });

// ---------------------------------------------------------------------------------------------
// The IDX objects, as far as these tests read them.

interface IdxMessage {
  message: string;
  i18n: { key: string; params?: unknown[] };
  class: string;
}
interface IdxMessages {
  type: string;
  value: IdxMessage[];
}
interface IdxField {
  name: string;
  value?: unknown;
  required?: boolean;
  visible?: boolean;
  mutable?: boolean;
  form?: { value: IdxField[] };
  options?: { label: string; value: { form: { value: IdxField[] } }; relatesTo?: string }[];
  messages?: IdxMessages;
}
interface IdxForm {
  rel: string[];
  name: string;
  href: string;
  method: string;
  value: IdxField[];
  relatesTo?: string[];
  refresh?: number;
}
interface Idx {
  version?: string;
  intent?: string;
  stateHandle?: string;
  expiresAt?: string;
  remediation?: { type: string; value: IdxForm[] };
  messages?: IdxMessages;
  app?: { type: string; value: { name: string; label: string; id: string } };
  user?: { type: string; value: { id: string; identifier: string } };
  currentAuthenticatorEnrollment?: {
    type: string;
    value: { key: string; resend?: IdxForm; poll?: IdxForm };
  };
  authenticatorEnrollments?: { type: string; value: { key: string }[] };
  successWithInteractionCode?: IdxForm;
  success?: { name: string; href: string };
  cancel?: IdxForm;
}

interface IdxAnswer {
  status: number;
  body: Idx;
  headers: Headers;
}

interface CallOptions {
  /** The request's Content-Type (and Accept); Okta's IDX media type by default. */
  type?: string;
  origin?: string;
  cookie?: string;
}

// ---------------------------------------------------------------------------------------------
// A cookie jar of one browser, as much of one as these flows need.

class CookieJar {
  readonly #cookies = new Map<string, string>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line);
      if (value === '' || expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get size(): number {
    return this.#cookies.size;
  }
}

// ---------------------------------------------------------------------------------------------
// One provider for most of the file; identifier-first and the hosted widget get their own.

const provider = useTestProvider(async () => ({
  control: true,
  seed: await seedWith((base) => ({ clients: [...withIdxClients(base).clients, strictApp] })),
}));

let origin: string;
beforeAll(() => {
  origin = new URL(provider.issuer).origin;
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** POST {issuer}/v1/interact with a form (an Origin only when given). */
function interact(
  issuer: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${issuer}/v1/interact`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
}

/** A POST to an IDX URL with a JSON body (given as text when it is not JSON on purpose). */
async function idxPost(url: string, body: unknown, options: CallOptions = {}): Promise<IdxAnswer> {
  const type = options.type ?? idxType;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': type,
      accept: type,
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Idx;
  try {
    parsed = JSON.parse(text) as Idx;
  } catch {
    throw new Error(`${url} answered ${response.status} with no JSON: ${text.slice(0, 300)}`);
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

function remediation(answer: Idx, name: string): IdxForm {
  const found = answer.remediation?.value.find((form) => form.name === name);
  if (!found) {
    const names = answer.remediation?.value.map((form) => form.name).join(', ') ?? 'none';
    throw new Error(`no ${name} remediation (there are: ${names})`);
  }
  return found;
}

function fieldOf(form: IdxForm, name: string): IdxField {
  const found = form.value.find((field) => field.name === name);
  if (!found) throw new Error(`no ${name} field in the ${form.name} form`);
  return found;
}

/**
 * Submits `form` as the SDK does: the fields it may not change (the state handle) copied in,
 * then what the user entered.
 */
function submit(form: IdxForm, values: Record<string, unknown>, options: CallOptions = {}) {
  const immutable = Object.fromEntries(
    form.value
      .filter((field) => field.mutable === false && field.value !== undefined)
      .map((field) => [field.name, field.value]),
  );
  return idxPost(form.href, { ...immutable, ...values }, options);
}

/** The form field value of the successWithInteractionCode form. */
function interactionCodeOf(answer: Idx): string {
  const code = answer.successWithInteractionCode?.value.find(
    (field) => field.name === 'interaction_code',
  )?.value;
  if (typeof code !== 'string') {
    throw new Error(`no interaction code in ${JSON.stringify(answer).slice(0, 400)}`);
  }
  return code;
}

/** Follows a `relatesTo` JSONPath ($.a.b.value[0]) into the answer it came with. */
function resolve(answer: Idx, path: string): unknown {
  if (!path.startsWith('$.')) throw new Error(`not a JSONPath from the root: ${path}`);
  let at: unknown = answer;
  for (const step of path.slice(2).split('.')) {
    const match = /^([A-Za-z]+)(?:\[(\d+)\])?$/.exec(step);
    if (!match?.[1]) throw new Error(`cannot follow ${step} of ${path}`);
    at = (at as Record<string, unknown> | undefined)?.[match[1]];
    if (match[2] !== undefined) at = (at as unknown[] | undefined)?.[Number(match[2])];
  }
  return at;
}

/** What a `relatesTo` names: the object itself, or a context object's value. */
function relatedKey(answer: Idx, path: string): string | undefined {
  const target = resolve(answer, path) as
    { key?: string; type?: string; value?: { key?: string } } | undefined;
  return target?.key ?? target?.value?.key;
}

/** Every form and every `relatesTo` anywhere in an answer. */
function walk(node: unknown, found: { forms: IdxForm[]; relatesTo: string[] }) {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, found);
    return found;
  }
  if (typeof node !== 'object' || node === null) return found;
  const record = node as Record<string, unknown>;
  if (Array.isArray(record.rel) && record.rel.includes('create-form')) {
    found.forms.push(record as unknown as IdxForm);
  }
  const relatesTo = record.relatesTo;
  if (typeof relatesTo === 'string') found.relatesTo.push(relatesTo);
  if (Array.isArray(relatesTo)) found.relatesTo.push(...(relatesTo as string[]));
  for (const value of Object.values(record)) walk(value, found);
  return found;
}

/**
 * What every IDX answer of a sign-in must be for the SDK and the widget to read it: version,
 * intent, a future `expiresAt`, the sign-in's one state handle in every form as an immutable
 * hidden field, each `relatesTo` pointing at an authenticator in the same answer, the app.
 */
function expectIdxShape(answer: Idx, stateHandle: string, clientId: string) {
  expect(answer.version).toBe('1.0.0');
  expect(answer.intent).toBe('LOGIN');
  expect(answer.stateHandle).toBe(stateHandle);
  const expiresAt = answer.expiresAt ?? '';
  expect(new Date(expiresAt).toISOString()).toBe(expiresAt);
  expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
  expect(answer.app?.value.id).toBe(clientId);
  const { forms, relatesTo } = walk(answer, { forms: [], relatesTo: [] });
  expect(forms.length).toBeGreaterThan(0);
  for (const form of forms) {
    expect(form.href.startsWith(`${origin}/`), form.href).toBe(true);
    if (form.name === 'issue') continue; // the token request: a form for /v1/token, no handle
    expect(fieldOf(form, 'stateHandle'), form.name).toEqual({
      name: 'stateHandle',
      required: true,
      visible: false,
      mutable: false,
      value: stateHandle,
    });
  }
  for (const path of relatesTo) {
    expect(resolve(answer, path), path).toEqual(expect.any(Object));
    expect(relatedKey(answer, path), path).toEqual(expect.any(String));
  }
}

interface Started {
  issuer: string;
  clientId: string;
  verifier: string;
  nonce: string;
  state: string;
  interactionHandle: string;
  stateHandle: string;
  /** The introspect answer: the first form. */
  first: Idx;
}

/** /v1/interact then /idp/idx/introspect: where an app's sign-in starts. */
async function startSignIn(
  options: {
    issuer?: string;
    clientId?: string;
    scope?: string;
    acrValues?: string;
    type?: string;
  } = {},
): Promise<Started> {
  const issuer = options.issuer ?? provider.issuer;
  const clientId = options.clientId ?? idxApp.client_id;
  const { verifier, challenge } = pkce();
  const nonce = randomBytes(12).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const interacted = await interact(issuer, {
    client_id: clientId,
    scope: options.scope ?? 'openid profile email',
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.acrValues ? { acr_values: options.acrValues } : {}),
  });
  const interactBody = (await interacted.json()) as { interaction_handle?: string };
  expect(interacted.status, JSON.stringify(interactBody)).toBe(200);
  const interactionHandle = interactBody.interaction_handle ?? '';
  const introspected = await idxPost(
    `${new URL(issuer).origin}/idp/idx/introspect`,
    { interactionHandle },
    { type: options.type ?? idxType },
  );
  expect(introspected.status, JSON.stringify(introspected.body)).toBe(200);
  const stateHandle = introspected.body.stateHandle ?? '';
  expect(stateHandle).toMatch(/^02/);
  return {
    issuer,
    clientId,
    verifier,
    nonce,
    state,
    interactionHandle,
    stateHandle,
    first: introspected.body,
  };
}

/** The identify form of a sign-in, filled with a username and (unless omitted) a password. */
function identify(answer: Idx, identifier: string, password?: string, options: CallOptions = {}) {
  return submit(
    remediation(answer, 'identify'),
    { identifier, ...(password === undefined ? {} : { credentials: { passcode: password } }) },
    options,
  );
}

/** POST {issuer}/v1/token with grant_type=interaction_code. */
function redeem(
  start: Pick<Started, 'issuer' | 'clientId' | 'verifier'>,
  interactionCode: string,
  overrides: Record<string, string> = {},
) {
  return fetch(`${start.issuer}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({
      grant_type: 'interaction_code',
      interaction_code: interactionCode,
      client_id: start.clientId,
      redirect_uri: redirectUri,
      code_verifier: start.verifier,
      ...overrides,
    }),
  });
}

interface Tokens {
  access_token?: string;
  id_token?: string;
  refresh_token?: string;
  error?: string;
  error_description?: string;
}

async function redeemed(start: Started, answer: Idx): Promise<Tokens> {
  const response = await redeem(start, interactionCodeOf(answer));
  const tokens = (await response.json()) as Tokens;
  expect(response.status, JSON.stringify(tokens)).toBe(200);
  return tokens;
}

async function verifiedIdToken(start: Started, idToken: string | undefined) {
  const jwks = createRemoteJWKSet(new URL(`${start.issuer}/v1/keys`));
  const { payload } = await jwtVerify(idToken ?? '', jwks, {
    issuer: start.issuer,
    audience: start.clientId,
  });
  return payload;
}

const outbox = (to: string) => outboxCodes(origin, to);

// Google Authenticator: each step's code is good once per user, so every code this file sends
// is of a step not sent before (now, then the next one, then the one before).
const sentSteps = new Set<number>();

function freshTotp(user: SeedUser): string {
  const secret = totpSecretOf(user);
  const now = Math.floor(Date.now() / 1000 / 30);
  const step = [now, now + 1, now - 1].find((candidate) => !sentSteps.has(candidate));
  if (step === undefined) throw new Error('three Google Authenticator codes in one step');
  sentSteps.add(step);
  return totp(secret, step * 30);
}

function failNextIdx() {
  return fetch(`${origin}/__understudy/fail`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endpoint: 'idx', error: 'too_many_requests' }),
  });
}

function firstMessage(answer: Idx): IdxMessage | undefined {
  return answer.messages?.value[0];
}

/** The option of the select-authenticator form that relates to `key`'s enrollment. */
function optionFor(answer: Idx, key: string) {
  const options = fieldOf(
    remediation(answer, 'select-authenticator-authenticate'),
    'authenticator',
  ).options;
  const option = options?.find((candidate) =>
    candidate.relatesTo ? relatedKey(answer, candidate.relatesTo) === key : false,
  );
  if (!option) throw new Error(`no authenticator option relating to ${key}`);
  const id = option.value.form.value.find((field) => field.name === 'id')?.value;
  return { option, id };
}

/** Identified with a password, at the select-authenticator step of a 2fa sign-in. */
async function atSecondFactor(user: SeedUser, clientId = idxApp.client_id) {
  const start = await startSignIn({
    clientId,
    acrValues: clientId === strictApp.client_id ? undefined : twoFactor,
    scope: 'openid profile email groups',
  });
  const identified = await identify(start.first, user.login, 'understudy');
  expect(identified.status, JSON.stringify(identified.body)).toBe(200);
  expectIdxShape(identified.body, start.stateHandle, clientId);
  return { start, select: identified.body };
}

/** The answer to choosing `key` at the select-authenticator step. */
async function choose(select: Idx, key: string) {
  const { id } = optionFor(select, key);
  const chosen = await submit(remediation(select, 'select-authenticator-authenticate'), {
    authenticator: { id },
  });
  expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
  return chosen.body;
}

const hannah = () => seededUser(provider.seed, 'hannah');
const grace = () => seededUser(provider.seed, 'grace');
const carol = () => seededUser(provider.seed, 'carol.lee');

// ---------------------------------------------------------------------------------------------

describe('IDX answers keep the shape the SDK and the widget parse', () => {
  it('carries one state handle, immutable, through every answer of a sign-in, both media types', async () => {
    const start = await startSignIn({ acrValues: twoFactor, type: 'application/json' });
    expectIdxShape(start.first, start.stateHandle, idxApp.client_id);
    expect(start.first.app?.value.name).toBe('oidc_client');
    const identifyForm = remediation(start.first, 'identify');
    expect(identifyForm.href).toBe(`${origin}/idp/idx/identify`);
    expect(identifyForm.value.map((field) => field.name)).toEqual([
      'identifier',
      'credentials',
      'rememberMe',
      'stateHandle',
    ]);

    // The same introspect again, with the other media type, answers the same sign-in.
    const again = await idxPost(`${origin}/idp/idx/introspect`, {
      interactionHandle: start.interactionHandle,
    });
    expect(again.status).toBe(200);
    expectIdxShape(again.body, start.stateHandle, idxApp.client_id);

    const identified = await identify(start.first, hannah().login, 'understudy', {
      type: 'application/json',
    });
    expect(identified.status).toBe(200);
    expectIdxShape(identified.body, start.stateHandle, idxApp.client_id);
    expect(identified.body.user?.value).toEqual({ id: hannah().id, identifier: hannah().login });
    const select = remediation(identified.body, 'select-authenticator-authenticate');
    expect(select.href).toBe(`${origin}/idp/idx/challenge`);
    expect(identified.body.authenticatorEnrollments?.value.map(({ key }) => key)).toEqual([
      'google_otp',
    ]);

    const challenged = await choose(identified.body, 'google_otp');
    expectIdxShape(challenged, start.stateHandle, idxApp.client_id);
    const challenge = remediation(challenged, 'challenge-authenticator');
    expect(challenge.relatesTo).toEqual(['$.currentAuthenticatorEnrollment']);
    expect(relatedKey(challenged, '$.currentAuthenticatorEnrollment')).toBe('google_otp');

    const done = await submit(
      challenge,
      { credentials: { passcode: freshTotp(hannah()) } },
      { type: 'application/json' },
    );
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expectIdxShape(done.body, start.stateHandle, idxApp.client_id);
    expect(done.body.remediation).toBeUndefined();
    const issue = done.body.successWithInteractionCode;
    expect(issue).toMatchObject({
      name: 'issue',
      href: `${start.issuer}/v1/token`,
      method: 'POST',
      accepts: 'application/x-www-form-urlencoded',
    });
    expect(issue?.value.map((field) => field.name)).toEqual([
      'grant_type',
      'interaction_code',
      'client_id',
      'code_verifier',
    ]);
    expect(fieldOf(issue as IdxForm, 'client_id').value).toBe(idxApp.client_id);
    expect(fieldOf(issue as IdxForm, 'code_verifier')).toMatchObject({ required: true });
    expect(fieldOf(issue as IdxForm, 'code_verifier').value).toBeUndefined();

    // A finished sign-in answers its success again: the SDK may introspect after the last step.
    const after = await idxPost(`${origin}/idp/idx/introspect`, { stateHandle: start.stateHandle });
    expect(after.status).toBe(200);
    expect(interactionCodeOf(after.body)).toBe(interactionCodeOf(done.body));
  });

  it('answers no-store, and a password sign-in ends in an interaction code the app redeems', async () => {
    const start = await startSignIn();
    const done = await identify(start.first, grace().login, 'understudy');
    expect(done.status).toBe(200);
    expect(done.headers.get('cache-control')).toBe('no-store');
    expect(done.headers.get('content-type')).toMatch(/json/);
    expectIdxShape(done.body, start.stateHandle, idxApp.client_id);
    const tokens = await redeemed(start, done.body);
    const claims = await verifiedIdToken(start, tokens.id_token);
    expect(claims.sub).toBe(grace().id);
    expect(claims.amr).toEqual(['pwd']);
  });

  it('puts the nonce /v1/interact took into the ID token', async () => {
    const start = await startSignIn();
    const done = await identify(start.first, grace().login, 'understudy');
    const claims = decodeJwt((await redeemed(start, done.body)).id_token ?? '');
    expect(claims.nonce).toBe(start.nonce);
  });
});

describe("Okta's IDX errors", () => {
  it('answers a wrong password 401 with errors.E0000004 and the identify form, username kept', async () => {
    const start = await startSignIn();
    const wrong = await identify(start.first, grace().login, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(firstMessage(wrong.body)).toMatchObject({
      message: 'Authentication failed',
      i18n: { key: 'errors.E0000004' },
      class: 'ERROR',
    });
    expectIdxShape(wrong.body, start.stateHandle, idxApp.client_id);
    const again = remediation(wrong.body, 'identify');
    expect(fieldOf(again, 'identifier').value).toBe(grace().login);
    // The sign-in goes on from there.
    const right = await identify(wrong.body, grace().login, 'understudy');
    expect(right.status).toBe(200);
    expect(interactionCodeOf(right.body)).toEqual(expect.any(String));
  });

  it('answers an unknown user 200 with a WARNING idx.unknown.user, and the form again', async () => {
    const start = await startSignIn();
    const unknown = await identify(start.first, 'nobody@task-vantage.com', 'understudy');
    expect(unknown.status).toBe(200);
    expect(firstMessage(unknown.body)).toMatchObject({
      i18n: { key: 'idx.unknown.user', params: ['nobody@task-vantage.com'] },
      class: 'WARNING',
    });
    expectIdxShape(unknown.body, start.stateHandle, idxApp.client_id);
    expect(fieldOf(remediation(unknown.body, 'identify'), 'identifier').value).toBe(
      'nobody@task-vantage.com',
    );
    expect(unknown.body.successWithInteractionCode).toBeUndefined();
  });

  it('answers a wrong Google Authenticator code 401 with the message on the passcode field', async () => {
    const { start, select } = await atSecondFactor(hannah());
    const challenged = await choose(select, 'google_otp');
    const wrong = await submit(remediation(challenged, 'challenge-authenticator'), {
      credentials: { passcode: wrongTotp(totpSecretOf(hannah())) },
    });
    expect(wrong.status).toBe(401);
    expectIdxShape(wrong.body, start.stateHandle, idxApp.client_id);
    const passcode = fieldOf(remediation(wrong.body, 'challenge-authenticator'), 'credentials').form
      ?.value[0];
    expect(passcode?.name).toBe('passcode');
    expect(passcode?.messages?.value[0]).toMatchObject({
      message: 'Invalid code. Try again.',
      i18n: { key: 'api.authn.error.PASSCODE_INVALID' },
      class: 'ERROR',
    });
    expect(wrong.body.successWithInteractionCode).toBeUndefined();
  });

  it('answers an unknown or garbage state handle 401 idx.session.expired, with no remediation', async () => {
    const wellFormed = `02${randomBytes(32).toString('base64url')}.default`;
    const cases: [string, unknown][] = [
      ['/idp/idx/identify', { stateHandle: 'garbage', identifier: grace().login }],
      ['/idp/idx/identify', { stateHandle: wellFormed, identifier: grace().login }],
      ['/idp/idx/introspect', { stateHandle: wellFormed }],
      ['/idp/idx/introspect', { interactionHandle: wellFormed }],
      ['/idp/idx/challenge/answer', { stateHandle: `${wellFormed}x`, credentials: {} }],
      ['/idp/idx/cancel', { stateHandle: `02${'A'.repeat(43)}.no-such-server` }],
    ];
    for (const [path, body] of cases) {
      const answer = await idxPost(`${origin}${path}`, body);
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(401);
      expect(answer.body.version).toBe('1.0.0');
      expect(firstMessage(answer.body)?.i18n.key).toBe('idx.session.expired');
      expect(answer.body.remediation).toBeUndefined();
      expect(answer.body.stateHandle).toBeUndefined();
    }
  });

  it('answers a missing state handle and a malformed body 400, as IDX objects', async () => {
    const missing = await idxPost(`${origin}/idp/idx/identify`, { identifier: grace().login });
    expect(missing.status).toBe(400);
    expect(missing.body.version).toBe('1.0.0');
    expect(firstMessage(missing.body)).toMatchObject({
      i18n: { key: 'api.error.field_required' },
      class: 'ERROR',
    });
    expect(firstMessage(missing.body)?.message).toContain('stateHandle');

    const wrongType = await idxPost(`${origin}/idp/idx/identify`, { stateHandle: 123 });
    expect(wrongType.status).toBe(400);
    expect(firstMessage(wrongType.body)?.i18n.key).toBe('api.error.field_required');

    const noHandle = await idxPost(`${origin}/idp/idx/introspect`, {});
    expect(noHandle.status).toBe(400);
    expect(firstMessage(noHandle.body)?.message).toContain('interactionHandle');

    for (const body of ['{"stateHandle":', '[1,2]', 'null', 'not json']) {
      const malformed = await idxPost(`${origin}/idp/idx/identify`, body);
      expect(malformed.status, body).toBe(400);
      expect(malformed.body.version).toBe('1.0.0');
      expect(firstMessage(malformed.body)?.i18n.key, body).toBe('errors.E0000003');
    }

    // Right handle, missing fields: 400 with the form again, the sign-in unchanged.
    const start = await startSignIn();
    const noIdentifier = await idxPost(`${origin}/idp/idx/identify`, {
      stateHandle: start.stateHandle,
    });
    expect(noIdentifier.status).toBe(400);
    expect(firstMessage(noIdentifier.body)?.i18n.key).toBe('api.error.field_required');
    const noPasscode = await idxPost(`${origin}/idp/idx/identify`, {
      stateHandle: start.stateHandle,
      identifier: grace().login,
      credentials: 'understudy',
    });
    expect(noPasscode.status).toBe(400);
    expect(firstMessage(noPasscode.body)?.message).toContain('credentials.passcode');
    const noAuthenticator = await idxPost(`${origin}/idp/idx/challenge`, {
      stateHandle: start.stateHandle,
      authenticator: null,
    });
    expect(noAuthenticator.status).toBe(400);
    expect(firstMessage(noAuthenticator.body)?.i18n.key).toBe('idx.invalid.remediation');
    const still = await identify(start.first, grace().login, 'understudy');
    expect(still.status).toBe(200);
    expect(interactionCodeOf(still.body)).toEqual(expect.any(String));
  });

  it("refuses /v1/interact: a client without the grant, an unknown one, no S256 PKCE, a redirect URI it doesn't have", async () => {
    const { challenge } = pkce();
    const valid = {
      client_id: idxApp.client_id,
      scope: 'openid',
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'state-1',
    };
    const answer = async (form: Record<string, string>) => {
      const response = await interact(provider.issuer, form);
      return {
        status: response.status,
        body: (await response.json()) as { error?: string; error_description?: string },
      };
    };
    expect((await answer(valid)).status).toBe(200);

    const spa = seededClient(provider.seed, 'spa');
    const withoutGrant = await answer({
      ...valid,
      client_id: spa.client_id,
      redirect_uri: spa.redirect_uris[0] ?? '',
    });
    expect(withoutGrant.status).toBe(400);
    expect(withoutGrant.body.error).toBe('unauthorized_client');

    const unknown = await answer({ ...valid, client_id: '0oaNoSuchClient00001' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');

    const noChallenge: Record<string, string> = { ...valid };
    delete noChallenge.code_challenge;
    for (const form of [
      noChallenge,
      { ...valid, code_challenge_method: 'plain' },
      { ...valid, code_challenge: 'short', code_challenge_method: 'plain' },
      { ...valid, code_challenge: 'short' },
    ]) {
      const refused = await answer(form);
      expect(refused.status, JSON.stringify(form)).toBe(400);
      expect(refused.body.error).toBe('invalid_request');
    }

    const elsewhere = await answer({ ...valid, redirect_uri: 'http://localhost:8080/elsewhere' });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error).toBe('invalid_request');
    expect(elsewhere.body.error_description).toContain('redirect_uri');
  });

  it('redeems an interaction code once, with its PKCE verifier, for the app it was issued to', async () => {
    const start = await startSignIn();
    const done = await identify(start.first, grace().login, 'understudy');
    const code = interactionCodeOf(done.body);

    const badVerifier = await redeem(start, code, { code_verifier: `${start.verifier}x` });
    expect(badVerifier.status).toBe(400);
    expect(await badVerifier.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'PKCE verification failed.',
    });

    const otherClient = await redeem({ ...start, clientId: otherApp.client_id }, code);
    expect(otherClient.status).toBe(400);
    expect(((await otherClient.json()) as Tokens).error).toBe('invalid_grant');

    const first = await redeem(start, code);
    expect(first.status).toBe(200);
    expect(((await first.json()) as Tokens).access_token).toEqual(expect.any(String));

    const second = await redeem(start, code);
    expect(second.status).toBe(400);
    expect(((await second.json()) as Tokens).error).toBe('invalid_grant');

    // Once redeemed, the sign-in is over: its state handle is an expired one.
    const after = await idxPost(`${origin}/idp/idx/introspect`, { stateToken: start.stateHandle });
    expect(after.status).toBe(401);
    expect(firstMessage(after.body)?.i18n.key).toBe('idx.session.expired');

    const unknown = await redeem(start, randomBytes(32).toString('base64url'));
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Tokens).error).toBe('invalid_grant');
  });

  it('answers the IDX call after failNext("idx") 429 tooManyRequests, and the one after that', async () => {
    const start = await startSignIn();
    expect((await failNextIdx()).status).toBe(200);
    const limited = await identify(start.first, grace().login, 'understudy');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.version).toBe('1.0.0');
    expect(firstMessage(limited.body)).toMatchObject({
      i18n: { key: 'tooManyRequests' },
      class: 'ERROR',
    });
    const next = await identify(start.first, grace().login, 'understudy');
    expect(next.status).toBe(200);
    expect(interactionCodeOf(next.body)).toEqual(expect.any(String));
  });
});

describe('policy, factors and claims', () => {
  it('asks hannah for Google Authenticator under acr_values 2fa; the tokens say so', async () => {
    const { start, select } = await atSecondFactor(hannah());
    expect(select.remediation?.value.map((form) => form.name)).toEqual([
      'select-authenticator-authenticate',
    ]);
    const { option } = optionFor(select, 'google_otp');
    expect(option.relatesTo).toBe('$.authenticatorEnrollments.value[0]');
    const challenged = await choose(select, 'google_otp');
    expect(challenged.remediation?.value.map((form) => form.name)).toEqual([
      'challenge-authenticator',
      'select-authenticator-authenticate',
    ]);
    // Google Authenticator sends nothing: no resend, no poll.
    expect(challenged.currentAuthenticatorEnrollment?.value.resend).toBeUndefined();
    expect(challenged.currentAuthenticatorEnrollment?.value.poll).toBeUndefined();

    const done = await submit(remediation(challenged, 'challenge-authenticator'), {
      credentials: { passcode: freshTotp(hannah()) },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const tokens = await redeemed(start, done.body);
    const claims = await verifiedIdToken(start, tokens.id_token);
    expect(claims.sub).toBe(hannah().id);
    expect(claims.amr).toEqual(['mfa', 'otp', 'pwd']);
    expect(claims.acr).toBe(twoFactor);
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(Math.abs(Number(claims.auth_time) - Date.now() / 1000)).toBeLessThan(120);
    expect(claims.groups).toEqual(expect.arrayContaining(['Everyone']));
    const access = decodeJwt(tokens.access_token ?? '');
    expect(access.cid).toBe(idxApp.client_id);
    expect(access.uid).toBe(hannah().id);
  });

  it("asks for a second factor without acr_values when the app's policy is 2fa", async () => {
    const { select } = await atSecondFactor(hannah(), strictApp.client_id);
    expect(select.successWithInteractionCode).toBeUndefined();
    expect(optionFor(select, 'google_otp').id).toEqual(expect.any(String));
    // The same user on a 1fa app without acr_values is done at the password.
    const start = await startSignIn();
    const done = await identify(start.first, hannah().login, 'understudy');
    expect(interactionCodeOf(done.body)).toEqual(expect.any(String));
  });

  it('sends an email code, resends a new one that replaces it, polls, and takes the new one', async () => {
    const { start, select } = await atSecondFactor(carol());
    const before = (await outbox(carol().email)).length;
    const challenged = await choose(select, 'okta_email');
    const current = challenged.currentAuthenticatorEnrollment?.value;
    expect(current?.key).toBe('okta_email');
    expect(current?.resend?.href).toBe(`${origin}/idp/idx/challenge/resend`);
    expect(current?.poll?.href).toBe(`${origin}/idp/idx/challenge/poll`);
    expect(current?.poll?.refresh).toBe(4000);
    const [firstCode] = await outbox(carol().email);
    expect(firstCode).toMatch(/^\d{6}$/);

    const polled = await submit(current?.poll as IdxForm, {});
    expect(polled.status).toBe(200);
    expectIdxShape(polled.body, start.stateHandle, idxApp.client_id);
    expect(remediation(polled.body, 'challenge-authenticator').relatesTo).toEqual([
      '$.currentAuthenticatorEnrollment',
    ]);
    expect(relatedKey(polled.body, '$.currentAuthenticatorEnrollment')).toBe('okta_email');

    const resent = await submit(current?.resend as IdxForm, {});
    expect(resent.status).toBe(200);
    expectIdxShape(resent.body, start.stateHandle, idxApp.client_id);
    const codes = await outbox(carol().email);
    expect(codes.length).toBe(before + 2);
    const [secondCode] = codes;
    expect(secondCode).toMatch(/^\d{6}$/);
    expect(secondCode).not.toBe(firstCode);

    // Each send replaces the code before it: the first no longer works.
    const stale = await submit(remediation(resent.body, 'challenge-authenticator'), {
      credentials: { passcode: firstCode },
    });
    expect(stale.status).toBe(401);
    const done = await submit(remediation(stale.body, 'challenge-authenticator'), {
      credentials: { passcode: secondCode },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const claims = decodeJwt((await redeemed(start, done.body)).id_token ?? '');
    expect(claims.amr).toEqual(['email', 'mfa', 'pwd']);
    expect(claims.acr).toBe(twoFactor);
  });

  it('cancels a sign-in back to the identify form, on the same state handle', async () => {
    const { start, select } = await atSecondFactor(hannah());
    const cancel = select.cancel as IdxForm;
    expect(cancel.href).toBe(`${origin}/idp/idx/cancel`);
    const canceled = await submit(cancel, {});
    expect(canceled.status).toBe(200);
    expectIdxShape(canceled.body, start.stateHandle, idxApp.client_id);
    expect(canceled.body.remediation?.value.map((form) => form.name)).toEqual(['identify']);
    expect(canceled.body.user).toBeUndefined();
    // What was verified before is gone: the challenge step is no longer available.
    const late = await idxPost(`${origin}/idp/idx/challenge`, {
      stateHandle: start.stateHandle,
      authenticator: { id: optionFor(select, 'google_otp').id },
    });
    expect(late.status).toBe(400);
    expect(firstMessage(late.body)?.i18n.key).toBe('idx.invalid.remediation');
    // The sign-in starts over: the password again, then the second factor again.
    const again = await identify(canceled.body, hannah().login, 'understudy');
    expect(again.status).toBe(200);
    expect(again.body.user?.value.id).toBe(hannah().id);
    expect(remediation(again.body, 'select-authenticator-authenticate').href).toBe(
      `${origin}/idp/idx/challenge`,
    );
  });
});

describe('the SSO session an IDX sign-in starts', () => {
  it('sets the session cookie on the last call; /api/v1/sessions/me and prompt=none see it', async () => {
    const start = await startSignIn();
    const jar = new CookieJar();
    const done = await identify(start.first, grace().login, 'understudy');
    expect(done.status).toBe(200);
    jar.take(done.headers);
    expect(jar.size).toBeGreaterThan(0);

    const session = await fetch(`${origin}/api/v1/sessions/me`, {
      headers: { cookie: jar.header, accept: 'application/json' },
    });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ userId: grace().id, status: 'ACTIVE' });
    const noCookie = await fetch(`${origin}/api/v1/sessions/me`);
    expect(noCookie.status).toBe(404);

    const { verifier, challenge } = pkce();
    const authorize = new URL(`${start.issuer}/v1/authorize`);
    authorize.search = new URLSearchParams({
      client_id: idxApp.client_id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: redirectUri,
      state: 'silent-state',
      nonce: 'silent-nonce',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'none',
    }).toString();
    const silent = await fetch(authorize, { headers: { cookie: jar.header }, redirect: 'manual' });
    const location = new URL(silent.headers.get('location') ?? '', authorize);
    expect(silent.status).toBeGreaterThanOrEqual(300);
    expect(silent.status).toBeLessThan(400);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBeNull();
    const code = location.searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    expect(location.searchParams.get('state')).toBe('silent-state');

    const token = await fetch(`${start.issuer}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: idxApp.client_id,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    const claims = decodeJwt(((await token.json()) as Tokens).id_token ?? '');
    expect(claims.sub).toBe(grace().id);
    expect(claims.amr).toEqual(['pwd']);

    // Without the cookie, the same request is login_required.
    const anonymous = await fetch(authorize, { redirect: 'manual' });
    const refused = new URL(anonymous.headers.get('location') ?? '', authorize);
    expect(refused.searchParams.get('error')).toBe('login_required');
  });
});

describe('/login/token/redirect and an app sign-in', () => {
  it("refuses an app's state handle there, and leaves its sign-in as it was", async () => {
    const start = await startSignIn();
    const origin = new URL(provider.issuer).origin;
    const url = `${origin}/login/token/redirect?stateToken=${encodeURIComponent(start.stateHandle)}`;
    const refused = await fetch(url, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    const done = await identify(start.first, grace().login, 'understudy');
    expect(done.status).toBe(200);
    expect(interactionCodeOf(done.body)).not.toBe('');
  });
});

describe('credentialed CORS, for the app’s trusted origins only', () => {
  const preflight = (from: string) =>
    fetch(`${origin}/idp/idx/introspect`, {
      method: 'OPTIONS',
      headers: {
        origin: from,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, accept',
      },
    });

  it('answers the preflight for a trusted origin, and not for another', async () => {
    const trusted = await preflight(appOrigin);
    expect(trusted.status).toBe(204);
    expect(trusted.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(trusted.headers.get('access-control-allow-credentials')).toBe('true');
    expect(trusted.headers.get('access-control-allow-methods')).toContain('POST');
    expect(trusted.headers.get('access-control-allow-headers')).toBe('content-type, accept');

    const untrusted = await preflight('https://evil.example');
    expect(untrusted.headers.get('access-control-allow-origin')).toBeNull();
    expect(untrusted.headers.get('access-control-allow-credentials')).toBeNull();

    const interactPreflight = await fetch(`${provider.issuer}/v1/interact`, {
      method: 'OPTIONS',
      headers: { origin: appOrigin, 'access-control-request-method': 'POST' },
    });
    expect(interactPreflight.status).toBe(204);
    expect(interactPreflight.headers.get('access-control-allow-origin')).toBe(appOrigin);
  });

  it("refuses a call from an origin the sign-in's app does not trust, 403", async () => {
    const start = await startSignIn();
    const mine = await idxPost(
      `${origin}/idp/idx/introspect`,
      { stateHandle: start.stateHandle },
      { origin: appOrigin },
    );
    expect(mine.status).toBe(200);
    expect(mine.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(mine.headers.get('access-control-allow-credentials')).toBe('true');

    // The SPA's origin is trusted by the org (another app), not by this sign-in's app.
    const spaOrigin = seededClient(provider.seed, 'spa').allowedOrigins?.[0] ?? '';
    expect(spaOrigin).not.toBe('');
    for (const from of [spaOrigin, 'https://evil.example']) {
      const introspected = await idxPost(
        `${origin}/idp/idx/introspect`,
        { stateHandle: start.stateHandle },
        { origin: from },
      );
      expect(introspected.status, from).toBe(403);
      expect(introspected.body.stateHandle).toBeUndefined();
      const identified = await identify(start.first, grace().login, 'understudy', { origin: from });
      expect(identified.status, from).toBe(403);
      expect(identified.body.successWithInteractionCode).toBeUndefined();
    }
    const fromElsewhere = await interact(
      provider.issuer,
      {
        client_id: idxApp.client_id,
        scope: 'openid',
        redirect_uri: redirectUri,
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        state: 's',
      },
      { origin: spaOrigin },
    );
    expect(fromElsewhere.status).toBe(403);
    // Nothing of the refused calls moved the sign-in on.
    const still = await identify(start.first, grace().login, 'understudy', { origin: appOrigin });
    expect(still.status).toBe(200);
  });
});

describe('identifier first', () => {
  const firstProvider = useTestProvider(async () => ({
    seed: await seedWith((base) => ({
      ...withIdxClients(base),
      signInPage: { identifierFirst: true, widget: false },
    })),
  }));

  it('asks the username alone, then the password as challenge-authenticator', async () => {
    const start = await startSignIn({ issuer: firstProvider.issuer });
    const firstOrigin = new URL(firstProvider.issuer).origin;
    const identifyForm = remediation(start.first, 'identify');
    expect(identifyForm.value.map((field) => field.name)).toEqual([
      'identifier',
      'rememberMe',
      'stateHandle',
    ]);
    const user = seededUser(firstProvider.seed, 'grace');
    const identified = await identify(start.first, user.login);
    expect(identified.status).toBe(200);
    const challenge = remediation(identified.body, 'challenge-authenticator');
    expect(challenge.href).toBe(`${firstOrigin}/idp/idx/challenge/answer`);
    expect(challenge.relatesTo).toEqual(['$.currentAuthenticatorEnrollment']);
    expect(relatedKey(identified.body, '$.currentAuthenticatorEnrollment')).toBe('okta_password');
    expect(fieldOf(challenge, 'stateHandle').value).toBe(start.stateHandle);
    expect(identified.body.stateHandle).toBe(start.stateHandle);

    const wrong = await submit(challenge, { credentials: { passcode: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(firstMessage(wrong.body)).toMatchObject({
      i18n: { key: 'incorrectPassword' },
      class: 'ERROR',
    });
    expect(remediation(wrong.body, 'challenge-authenticator').href).toBe(challenge.href);

    const done = await submit(challenge, { credentials: { passcode: 'understudy' } });
    expect(done.status).toBe(200);
    const tokens = await redeemed(start, done.body);
    expect(decodeJwt(tokens.id_token ?? '').amr).toEqual(['pwd']);
  });
});

describe('the hosted Sign-In Widget', () => {
  const hosted = useTestProvider(async () => ({
    seed: await seedWith(() => ({ signInPage: { identifierFirst: false, widget: true } })),
  }));

  /** A raw GET (fetch would resolve the dot segments before sending them). */
  const rawGet = (path: string) =>
    new Promise<{ status: number; type: string }>((resolve, reject) => {
      const url = new URL(hosted.issuer);
      httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) });
      })
        .on('error', reject)
        .end();
    });

  /** The authorize request of the SPA, followed to the widget page with the browser's cookies. */
  async function openWidgetPage(jar: CookieJar) {
    const spa = seededClient(hosted.seed, 'spa');
    const { verifier, challenge } = pkce();
    const authorize = new URL(`${hosted.issuer}/v1/authorize`);
    authorize.search = new URLSearchParams({
      client_id: spa.client_id,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: spa.redirect_uris[0] ?? '',
      state: 'hosted-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const started = await fetch(authorize, { redirect: 'manual' });
    expect(started.status).toBe(303);
    jar.take(started.headers);
    const pageUrl = new URL(started.headers.get('location') ?? '', authorize);
    const page = await fetch(pageUrl, { headers: { cookie: jar.header }, redirect: 'manual' });
    jar.take(page.headers);
    return { spa, verifier, page, html: await page.text() };
  }

  function settingsOf(html: string): { stateToken?: string; baseUrl?: string } {
    const attribute = /data-settings="([^"]*)"/.exec(html)?.[1];
    if (attribute === undefined) throw new Error('no data-settings on the widget page');
    const json = attribute
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
    return JSON.parse(json) as { stateToken?: string; baseUrl?: string };
  }

  it('serves the widget page with a state token, under a CSP that keeps it on this origin', async () => {
    const { page, html } = await openWidgetPage(new CookieJar());
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toMatch(/src="\/okta-signin-widget\/js\/okta-sign-in\.min\.js(\?[^"]*)?"/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const settings = settingsOf(html);
    expect(settings.stateToken).toMatch(/^02/);
    expect(settings.baseUrl).toBe(new URL(hosted.issuer).origin);
  });

  it("serves the widget's browser files, and nothing else of the package", async () => {
    const script = await fetch(
      `${new URL(hosted.issuer).origin}/okta-signin-widget/js/okta-sign-in.min.js`,
    );
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    const css = await rawGet('/okta-signin-widget/css/okta-sign-in.min.css');
    expect(css).toEqual({ status: 200, type: 'text/css; charset=utf-8' });

    for (const path of [
      '/okta-signin-widget/../package.json',
      '/okta-signin-widget/js/../../package.json',
      '/okta-signin-widget/js/%2e%2e/%2e%2e/package.json',
      '/okta-signin-widget/js%2f..%2f..%2fpackage.json',
      '/okta-signin-widget/..%2f..%2fpackage.json',
      '/okta-signin-widget/esm/src/v1/LoginRouter.js',
      '/okta-signin-widget/js/okta-sign-in.min.js.map',
      '/okta-signin-widget/js/',
      '/okta-signin-widget/js/nope.js',
    ]) {
      expect((await rawGet(path)).status, path).toBe(404);
    }
  });

  it('signs in through the IDX calls the widget makes, and goes back into the request', async () => {
    const jar = new CookieJar();
    const { spa, verifier, html } = await openWidgetPage(jar);
    const hostedOrigin = new URL(hosted.issuer).origin;
    const stateToken = settingsOf(html).stateToken ?? '';
    const first = await idxPost(
      `${hostedOrigin}/idp/idx/introspect`,
      { stateToken },
      { origin: hostedOrigin, cookie: jar.header },
    );
    expect(first.status).toBe(200);
    expect(first.body.stateHandle).toBe(stateToken);
    expect(first.body.app?.value.id).toBe(spa.client_id);
    const user = seededUser(hosted.seed, 'grace');
    const done = await identify(first.body, user.login, 'understudy', {
      origin: hostedOrigin,
      cookie: jar.header,
    });
    expect(done.status).toBe(200);
    expect(done.body.successWithInteractionCode).toBeUndefined();
    const back = done.body.success?.href ?? '';
    expect(back).toBe(
      `${hostedOrigin}/login/token/redirect?stateToken=${encodeURIComponent(stateToken)}`,
    );

    // The browser follows the widget back into the authorization request.
    let url = new URL(back);
    let response = await fetch(url, { headers: { cookie: jar.header }, redirect: 'manual' });
    for (let hops = 0; hops < 5 && !url.href.startsWith(spa.redirect_uris[0] ?? ''); hops += 1) {
      expect(response.status, url.href).toBeGreaterThanOrEqual(300);
      expect(response.status, url.href).toBeLessThan(400);
      jar.take(response.headers);
      url = new URL(response.headers.get('location') ?? '', url);
      if (url.href.startsWith(spa.redirect_uris[0] ?? '')) break;
      response = await fetch(url, { headers: { cookie: jar.header }, redirect: 'manual' });
    }
    expect(url.searchParams.get('state')).toBe('hosted-state');
    const code = url.searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const token = await fetch(`${hosted.issuer}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: spa.client_id,
        redirect_uri: spa.redirect_uris[0] ?? '',
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    expect(decodeJwt(((await token.json()) as Tokens).id_token ?? '').sub).toBe(user.id);

    // The way back is spent: the same state token again is a readable 400.
    const replay = await fetch(back, {
      headers: { cookie: jar.header, accept: 'application/json' },
      redirect: 'manual',
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error?: string }).error).toBe('invalid_request');
  });

  it('answers /login/token/redirect with a bad state token 400, as a page or as JSON', async () => {
    const base = `${new URL(hosted.issuer).origin}/login/token/redirect`;
    const unknown = `02${randomBytes(32).toString('base64url')}.default`;
    for (const stateToken of ['garbage', unknown, '']) {
      const url = `${base}?stateToken=${encodeURIComponent(stateToken)}`;
      const page = await fetch(url, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(page.status, stateToken).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('sign in again');

      const json = await fetch(url, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
      });
      expect(json.status, stateToken).toBe(400);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await json.json()).toMatchObject({ error: 'invalid_request' });
    }
    const none = await fetch(base, { redirect: 'manual' });
    expect(none.status).toBe(400);
  });
});
