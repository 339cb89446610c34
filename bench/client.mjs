// The bench's HTTP client: keep-alive requests, and the three operations it measures, written
// once for every peer so that each does the same work: discovery + JWKS GETs,
// `client_credentials` tokens, and a whole browserless login (Authorization Code + PKCE over
// HTTP, with cookies, redirects and whatever forms the peer's login pages show). Used by
// bench/side-by-side.mjs and bench/soak.mjs.
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';

export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export function send(port, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        // Through the issuer's own host name, as clients do (127.0.0.1 is another issuer).
        headers: { host: `localhost:${port}`, ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

export const get = (port, path, headers) => send(port, 'GET', path, { headers });
const form = (values) => new URLSearchParams(values).toString();
const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** Discovery and JWKS in turn, one GET per call. */
export function discoveryAndJwks(peer, port) {
  let flip = false;
  const { discovery, jwks } = peer.paths;
  return async () => {
    flip = !flip;
    const answer = await get(port, flip ? discovery : jwks);
    if (answer.status !== 200) throw new Error(`status ${answer.status}`);
  };
}

/** One `client_credentials` token, `client_secret_basic`; answers the token response. */
export function clientCredentials(peer, port) {
  const { service, paths } = peer;
  const body = form({ grant_type: 'client_credentials', scope: service.scope });
  return async () => {
    const answer = await send(port, 'POST', paths.token, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(service.id, service.secret),
      },
      body,
    });
    const tokens = answer.status === 200 ? JSON.parse(answer.body) : {};
    if (!tokens.access_token) throw new Error(`token status ${answer.status}`);
    return tokens;
  };
}

/**
 * A browser without a browser: cookies, redirects, and the login (and consent) forms, then the
 * code exchange. `counter.requests` counts every HTTP request the flow made; `user(i)` picks
 * the user of the i-th login (the peer's own user by default). Answers the token response.
 */
export function loginFlow(peer, port, counter = { requests: 0 }, user = () => peer.user) {
  const { web, paths } = peer;
  let logins = 0;
  return async () => {
    const who = user(logins);
    logins += 1;
    const cookies = new Map();
    const remember = (headers) => {
      for (const line of headers['set-cookie'] ?? []) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
    };
    const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const hop = async (method, path, body) => {
      counter.requests += 1;
      const answer = await send(port, method, path, {
        headers: {
          cookie: cookieHeader(),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          accept: 'text/html',
        },
        body,
      });
      remember(answer.headers);
      return answer;
    };
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = `${paths.authorize}?${form({
      client_id: web.id,
      redirect_uri: web.redirect,
      response_type: 'code',
      scope: web.scope,
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`;
    let answer = await hop('GET', authorize);
    let code;
    for (let step = 0; step < 12 && !code; step += 1) {
      if (answer.status >= 300 && answer.status < 400) {
        const location = new URL(answer.headers.location, `http://localhost:${port}`);
        if (location.href.startsWith(web.redirect)) {
          code = location.searchParams.get('code');
          if (!code) throw new Error(`redirected back without a code: ${location.search}`);
          break;
        }
        answer = await hop('GET', location.pathname + location.search);
      } else if (answer.status === 200) {
        const next = fillForm(answer.body, who);
        answer = await hop('POST', next.action, next.body);
      } else {
        throw new Error(`status ${answer.status} in the login flow`);
      }
    }
    if (!code) throw new Error('no code');
    counter.requests += 1;
    const token = await send(port, 'POST', paths.token, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(web.id, web.secret),
      },
      body: form({
        grant_type: 'authorization_code',
        code,
        redirect_uri: web.redirect,
        code_verifier: verifier,
      }),
    });
    const tokens = token.status === 200 ? JSON.parse(token.body) : {};
    if (!tokens.id_token || !tokens.access_token) throw new Error(`token status ${token.status}`);
    return tokens;
  };
}

// The fields a login form asks the username and the password in: the stock oidc-provider's,
// and Okta's (`identifier`, `credentials.passcode`) on Understudy's page.
const passwordNames = new Set(['password', 'credentials.passcode']);
const usernameNames = new Set(['username', 'login', 'identifier']);

/** The form a user would submit: the one with a password field, or else the first. */
function fillForm(html, user) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map(
    ([, attributes, inner]) => ({
      action: /action="([^"]*)"/i.exec(attributes)?.[1]?.replaceAll('&amp;', '&') ?? '',
      inputs: [...inner.matchAll(/<input\b([^>]*)>/gi)].map(([, input]) => ({
        name: /name="([^"]*)"/i.exec(input)?.[1],
        value: /value="([^"]*)"/i.exec(input)?.[1] ?? '',
      })),
    }),
  );
  const chosen = forms.find((f) => f.inputs.some((i) => passwordNames.has(i.name))) ?? forms[0];
  if (!chosen) throw new Error('a page without a form in the login flow');
  const values = {};
  for (const { name, value } of chosen.inputs) {
    if (!name) continue;
    if (passwordNames.has(name)) values[name] = user.password;
    else if (usernameNames.has(name)) values[name] = user.username;
    else values[name] = value;
  }
  return { action: chosen.action, body: form(values) };
}

/** What a compact JWS says about itself (its header's alg), or 'opaque'. */
export function tokenFormat(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return 'opaque';
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    return `JWT ${header.alg}`;
  } catch {
    return 'opaque';
  }
}

/**
 * Runs `operation` `count` times, `concurrency` at a time; latencies in ms. Every operation
 * runs even when some fail, so each peer is given the same work.
 */
export async function load(count, concurrency, operation) {
  const latencies = [];
  let failures = 0;
  let firstError;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - started);
      } catch (error) {
        failures += 1;
        firstError ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    failures,
    firstError,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

export const percentile = (sorted, p) =>
  sorted.length === 0
    ? undefined
    : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

export const median = (values) => {
  const defined = values.filter((value) => value !== undefined).sort((a, b) => a - b);
  if (defined.length === 0) return undefined;
  const middle = Math.floor(defined.length / 2);
  return defined.length % 2 ? defined[middle] : (defined[middle - 1] + defined[middle]) / 2;
};
