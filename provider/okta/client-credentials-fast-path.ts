/**
 * The most frequent token request of a CI pipeline, a service app's client_credentials grant
 * with client_secret_basic, answered from the Node request without Koa or oidc-provider: a
 * token request through them costs about twice the RS256 signature itself.
 *
 * It answers only a request it can prove oidc-provider would grant, with the same token and
 * the same JSON; anything else (another grant, an error of any kind, a parameter it does not
 * know, DPoP, CORS, a foreign host) goes on to the route table unchanged, body and all, so
 * every error still comes from the one error boundary.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { ExternalSigningKey } from 'oidc-provider';
import type { SeedAuthorizationServer, SeedClient } from '../../seed/schema.js';
import { constantEquals } from '../http/constant-equals.js';
import { replayable } from '../http/form-body.js';
import { randomString } from '../http/random-pool.js';
import { readRequestBody } from '../http/read-body.js';
import { tokenLifetimes } from './lifetimes.js';

export interface ClientCredentialsFastPathOptions {
  issuer: string;
  /** The token endpoint's path on this host (/oauth2/{id}/v1/token). */
  path: string;
  server: SeedAuthorizationServer;
  clients: readonly SeedClient[];
  /** Every scope the server grants (its resource server's `scope`, space-separated). */
  grantableScopes: string;
  /** The key oidc-provider signs access tokens with: the first of the keystore. */
  signingKey: ExternalSigningKey;
  /**
   * Asked before a grant is answered here; false leaves it to the route table (the control
   * plane's injected failures are a step on that route).
   */
  mayAnswer?: (() => Promise<boolean>) | undefined;
}

export interface ClientCredentialsFastPath {
  /** The token endpoint's path, as the request's URL names it. */
  readonly path: string;
  /**
   * Takes `req` when its headers are a candidate (then answers it, or hands it with its body to
   * `fallback`), or says false without touching it.
   */
  take(
    req: IncomingMessage,
    res: ServerResponse,
    headers: () => string[],
    fallback: RequestListener,
  ): boolean;
}

// A client_credentials form is a few dozen bytes; a larger one is left to the provider.
const bodyLimit = 4096;
const formType = /^application\/x-www-form-urlencoded\s*(?:;\s*charset=utf-8\s*)?$/i;
const basicHeader = /^Basic ([A-Za-z0-9+/]+)(={0,2})$/;
// RFC 6749's scope syntax, as oidc-provider checks it: names of visible ASCII but " and \,
// one space apart.
const scopeSyntax = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

export function clientCredentialsFastPath(
  options: ClientCredentialsFastPathOptions,
): ClientCredentialsFastPath {
  const { issuer, path, server, signingKey, mayAnswer } = options;
  const issuerOrigin = new URL(issuer).origin;
  const grantable = new Set(options.grantableScopes.split(' '));
  // The clients oidc-provider would authenticate with a secret in the Basic header.
  const services = new Map(
    options.clients
      .filter(
        (client) =>
          client.grant_types.includes('client_credentials') &&
          client.client_secret !== undefined &&
          (client.token_endpoint_auth_method === 'client_secret_basic' ||
            client.token_endpoint_auth_method === 'client_secret_post'),
      )
      .map((client) => [client.client_id, client.client_secret ?? '']),
  );
  const header = base64url(JSON.stringify({ alg: 'RS256', kid: signingKey.kid }));

  const candidate = (req: IncomingMessage): boolean => {
    const { headers } = req;
    return (
      req.url === path &&
      headers.origin === undefined &&
      headers.dpop === undefined &&
      headers['oauth-client-attestation'] === undefined &&
      headers['oauth-client-attestation-pop'] === undefined &&
      headers['transfer-encoding'] === undefined &&
      Number(headers['content-length']) <= bodyLimit &&
      formType.test(headers['content-type'] ?? '') &&
      basicHeader.test(headers.authorization ?? '') &&
      `${'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'}://${headers.host}` ===
        issuerOrigin
    );
  };

  /** The client and the scope oidc-provider would grant it; undefined for anything else. */
  const grant = (req: IncomingMessage, body: Buffer) => {
    const clientId = authenticatedClient(req.headers.authorization ?? '', services);
    if (clientId === undefined) return undefined;
    const form = parseQuery(body.toString());
    if (form.grant_type !== 'client_credentials') return undefined;
    for (const [name, value] of Object.entries(form)) {
      if (typeof value !== 'string' || (name !== 'grant_type' && name !== 'scope')) {
        return undefined;
      }
    }
    // oidc-provider takes an empty parameter for an absent one, and refuses a malformed scope.
    const scope = form.scope === '' ? undefined : form.scope;
    if (typeof scope === 'string' && !scopeSyntax.test(scope)) return undefined;
    // Then grants the requested set, in order, less what the resource server lacks.
    const requested = typeof scope === 'string' ? new Set(scope.split(' ')) : [];
    return { clientId, scope: [...requested].filter((name) => grantable.has(name)).join(' ') };
  };

  const mint = async (clientId: string, scope: string) => {
    const iat = Math.floor(Date.now() / 1000);
    // The claims and their order are oidc-provider's JWT access token as okta/ reshapes it.
    const payload = base64url(
      JSON.stringify({
        // 256 random bits in 43 URL-safe characters, like oidc-provider's nanoid.
        jti: randomString(32, 'base64url'),
        sub: clientId,
        iat,
        exp: iat + tokenLifetimes.accessToken,
        iss: issuer,
        aud: server.audience,
        ver: 1,
        cid: clientId,
        scp: scope === '' ? [] : scope.split(' '),
      }),
    );
    const signingInput = `${header}.${payload}`;
    const signature = await signingKey.sign(Buffer.from(signingInput));
    return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    headers: () => string[],
    fallback: RequestListener,
  ) => {
    let body: Buffer;
    try {
      body = await readRequestBody(req, bodyLimit);
    } catch {
      // The client went away mid-body; there is no one to answer.
      req.destroy();
      return;
    }
    try {
      const granted = grant(req, body);
      if (!granted || (mayAnswer && !(await mayAnswer()))) {
        return fallback(replayable(req, body), res);
      }
      const { clientId, scope } = granted;
      const json = Buffer.from(
        JSON.stringify({
          access_token: await mint(clientId, scope),
          expires_in: tokenLifetimes.accessToken,
          ...(scope === '' ? {} : { scope }),
          token_type: 'Bearer',
        }),
      );
      res
        .writeHead(200, [
          ...headers(),
          ...oidcProviderTokenHeaders,
          'Content-Length',
          String(json.length),
        ])
        .end(json);
    } catch {
      // Whatever went wrong, the route table says it the way it says everything else.
      if (!res.headersSent) fallback(replayable(req, body), res);
    }
  };

  return {
    path,
    take(req, res, headers, fallback) {
      if (!candidate(req)) return false;
      void answer(req, res, headers, fallback);
      return true;
    },
  };
}

// What oidc-provider's token endpoint sends besides the body, for a request without Origin.
const oidcProviderTokenHeaders = [
  'Vary',
  'Origin',
  'Access-Control-Allow-Origin',
  '*',
  'Access-Control-Expose-Headers',
  'WWW-Authenticate',
  'cache-control',
  'no-store',
  'Content-Type',
  'application/json; charset=utf-8',
];

/**
 * The client whose secret the Basic header carries, form-decoded as oidc-provider decodes it.
 * Not okta/client-auth.ts's parser: that one is lenient for the endpoints we answer ourselves,
 * and anything it would let through that oidc-provider refuses must go on to oidc-provider.
 */
function authenticatedClient(
  authorization: string,
  secrets: ReadonlyMap<string, string>,
): string | undefined {
  const credentials = basicCredentials(authorization);
  if (!credentials) return undefined;
  const expected = secrets.get(credentials.id);
  if (expected === undefined || credentials.secret === '') return undefined;
  return constantEquals(expected, credentials.secret) ? credentials.id : undefined;
}

function basicCredentials(authorization: string): { id: string; secret: string } | undefined {
  const [, data = '', padding = ''] = basicHeader.exec(authorization) ?? [];
  // Base64 as oidc-provider accepts it: padded to a multiple of four, or unpadded but never
  // one character past one (Buffer.from would decode either way).
  const remainder = data.length % 4;
  const wellFormed = padding === '' ? remainder !== 1 : padding.length === 4 - remainder;
  if (data === '' || !wellFormed) return undefined;
  const decoded = Buffer.from(data, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, '%20'));
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

const base64url = (text: string) => Buffer.from(text).toString('base64url');
