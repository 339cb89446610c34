// The /spa client: Authorization Code + PKCE entirely in the browser (Web Crypto), a public
// client with no secret, tokens in memory only. The verifier and state survive the redirect in
// sessionStorage and are removed as soon as the callback uses them. After sign-in, a lesson
// panel shows the real values this page sent and saw, each beside its spec link (the links come
// from the server, app/spec-links.ts); every value goes in with textContent, never as HTML.
const config = JSON.parse(document.getElementById('spa-config').textContent);
const spec = JSON.parse(document.getElementById('spa-spec').textContent);
const output = document.getElementById('spa-output');
// The tokens live in these variables only: nothing writes them to storage, so a reload forgets them.
let accessToken;
let idToken;
// What the lesson panel shows: what this sign-in really sent and saw.
const lesson = {};

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = () => base64url(crypto.getRandomValues(new Uint8Array(32)));
const show = (value) => {
  output.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
};

async function discover() {
  const response = await fetch(`${config.issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery failed: ${response.status}`);
  return response.json();
}

async function login() {
  const metadata = await discover();
  const verifier = random();
  const state = random();
  const nonce = random();
  const challenge = base64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  );
  const request = {
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  // The request itself rides along for the lesson panel: it holds nothing secret.
  sessionStorage.setItem(
    'spa.pkce',
    JSON.stringify({
      verifier,
      state,
      nonce,
      authorization: { endpoint: metadata.authorization_endpoint, params: request },
    }),
  );
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams(request).toString();
  location.assign(url.href);
}

async function completeLogin(params) {
  const saved = JSON.parse(sessionStorage.getItem('spa.pkce') ?? 'null');
  history.replaceState(null, '', location.pathname);
  // The state first: a crafted link neither shows its text here nor cancels a sign-in.
  if (!saved || saved.state !== params.get('state')) {
    throw new Error('state mismatch: this sign-in did not start here');
  }
  sessionStorage.removeItem('spa.pkce');
  if (params.get('error')) {
    throw new Error(`${params.get('error')}: ${params.get('error_description') ?? ''}`);
  }
  const metadata = await discover();
  const tokenRequest = {
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code: params.get('code'),
    redirect_uri: config.redirectUri,
    code_verifier: saved.verifier,
  };
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(tokenRequest),
  });
  const tokens = await response.json();
  if (!response.ok) throw new Error(`${tokens.error}: ${tokens.error_description ?? ''}`);
  accessToken = tokens.access_token;
  idToken = tokens.id_token;
  const claims = decodeClaims(tokens.access_token);
  const idClaims = idToken ? decodeClaims(idToken) : undefined;
  const recomputed = base64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(saved.verifier)),
  );
  Object.assign(lesson, {
    authorization: saved.authorization,
    token: {
      endpoint: metadata.token_endpoint,
      params: tokenRequest,
      // The browser let this page read the answer only because the provider's
      // Access-Control-Allow-Origin named this origin; the header itself is not readable here.
      responseType: response.type,
      status: response.status,
      cacheControl: response.headers.get('cache-control'),
      tokenType: tokens.token_type,
      s256: recomputed === saved.authorization?.params.code_challenge,
    },
    claims,
    idClaims,
    nonceMatches: idClaims !== undefined && idClaims.nonce === saved.nonce,
  });
  document.getElementById('spa-user').textContent = claims.sub;
  document.getElementById('spa-groups').textContent = (claims.groups ?? []).join(', ') || 'none';
  document.getElementById('spa-signed-in').hidden = false;
  document.getElementById('spa-login').hidden = true;
  // The first of the user's groups that is a team: Everyone and other groups are not.
  const team = document.getElementById('spa-team');
  const teams = new Set([...team.options].map((option) => option.value));
  const own = (claims.groups ?? []).find((group) => teams.has(group));
  if (own) team.value = own;
  show({
    signedIn: claims.sub,
    scopes: claims.scp,
    expiresAt: new Date(claims.exp * 1000).toISOString(),
  });
  renderLesson();
}

function decodeClaims(jwt) {
  const base64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function bearerCall(token) {
  const team = document.getElementById('spa-team').value;
  const path = `/api/teams/${encodeURIComponent(team)}/expenses`;
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  return {
    path,
    token: shorten(token),
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    body: await response.json(),
  };
}

async function callApi() {
  const call = await bearerCall(accessToken);
  show({ status: call.status, body: call.body });
  lesson.call = call;
  renderLesson();
}

/** What if: the ID token where the access token belongs. The API checks aud and refuses it. */
async function callWithIdToken() {
  if (!idToken) throw new Error('no ID token: sign in first');
  lesson.wrongAudience = await bearerCall(idToken);
  renderLesson();
}

/** What if: a reload. Nothing is kept but a note that the reload was asked for. */
function reloadWhatIf() {
  sessionStorage.setItem('spa.whatIfReload', new Date().toISOString());
  location.reload();
}

function showAfterReload(askedAt) {
  const looksLikeToken = (value) => /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/.test(value ?? '');
  const stored = (storage) =>
    Array.from({ length: storage.length }, (_, index) => storage.getItem(storage.key(index)));
  const tokensInStorage = [...stored(globalThis.localStorage), ...stored(sessionStorage)].filter(
    looksLikeToken,
  ).length;
  const section = document.getElementById('spa-reloaded');
  section.replaceChildren(
    el('h2', { class: 'h5' }, 'What if… you reload the page?'),
    el('p', {}, `You reloaded at ${askedAt}. After the reload:`),
    el(
      'ul',
      {},
      el(
        'li',
        { 'data-token-gone': '' },
        `This page holds no access token: ${accessToken === undefined ? 'gone' : 'still there'}. It lived in a JavaScript variable, and a reload starts the script afresh.`,
      ),
      el(
        'li',
        {},
        `localStorage holds ${globalThis.localStorage.length} item(s), sessionStorage ${sessionStorage.length}; tokens among them: ${tokensInStorage}.`,
      ),
      el(
        'li',
        {},
        'To call the API again, sign in again (the provider may still have your session and not ask).',
      ),
    ),
    el(
      'p',
      { class: 'small' },
      'Why: nothing written to storage can be read later by a script injected into this origin (XSS). It does not make XSS harmless: a script running while the page is open can still use the token.',
      ' ',
      ...specCell('token_in_memory'),
    ),
  );
  section.hidden = false;
}

// ---- The lesson panel: every value set with textContent, never as HTML. ----

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children.filter((child) => child !== undefined && child !== null));
  return element;
}

/** The spec link and its reason for a value, if the server gave one. */
function specCell(name) {
  const link = spec[name];
  if (!link) return [];
  return [
    el('a', { class: 'spec', href: link.href, rel: 'noreferrer' }, link.label),
    ' ',
    el('span', { class: 'why' }, link.why),
  ];
}

function shorten(token) {
  return token ? `${token.slice(0, 12)}…(${token.length} characters)` : '(none)';
}

/** A table of rows [name, value, spec name]: the value in monospace, the spec beside it. */
function table(rows) {
  return el(
    'table',
    { class: 'table table-sm' },
    ...rows.map(([name, value, specName]) =>
      el(
        'tr',
        { 'data-param': name },
        el('th', { scope: 'row' }, el('code', {}, name)),
        el('td', { class: 'value' }, String(value)),
        el('td', { class: 'small' }, ...specCell(specName ?? name)),
      ),
    ),
  );
}

function step(title, ...children) {
  return el('section', { class: 'step' }, el('h3', { class: 'h6' }, title), ...children);
}

function renderLesson() {
  const panel = document.getElementById('spa-lesson');
  const { authorization, token, claims, idClaims, call, wrongAudience } = lesson;
  if (!token || !claims) return;
  const request = authorization?.params ?? {};
  const sections = [
    el('h2', { class: 'h5', id: 'spa-lesson-title' }, 'How this page signed in'),
    el(
      'p',
      { class: 'text-secondary' },
      'The real values this page sent and saw, each beside the spec that defines it. No secret: this client has none.',
    ),
  ];
  if (authorization) {
    sections.push(
      step(
        '1. The authorization request (built in this page)',
        el(
          'p',
          {},
          'This page sent your browser to ',
          el('code', {}, authorization.endpoint),
          ' with:',
        ),
        table(Object.entries(request)),
        el(
          'p',
          { class: 'small' },
          'The code_verifier behind the challenge waited in sessionStorage for the callback, which removed it.',
        ),
      ),
    );
  }
  sections.push(
    step(
      '2. The token request (a CORS request from this page)',
      el(
        'p',
        {},
        'POST ',
        el('code', {}, token.endpoint),
        ', from the origin ',
        el('code', {}, location.origin),
        ':',
      ),
      table([
        ['grant_type', token.params.grant_type],
        ['code', shorten(token.params.code)],
        ['redirect_uri', token.params.redirect_uri],
        ['code_verifier', `${token.params.code_verifier} (shown now: its code is spent)`],
        ['client_id', token.params.client_id],
        ['client_secret', 'none: a public client', 'public_client'],
      ]),
      el(
        'p',
        { class: `check ${token.s256 ? 'ok' : 'bad'}`, 'data-check': 's256' },
        token.s256
          ? '✓ S256 check passes: the challenge sent is BASE64URL(SHA256(code_verifier)).'
          : '✗ S256 check fails: the challenge sent is not the hash of the verifier.',
      ),
      table([
        ['status', token.status, 'access_token'],
        [
          'Access-Control-Allow-Origin',
          `${location.origin} (or *): the browser checked it and let this page read the answer (response.type "${token.responseType}"); script cannot read that header itself`,
          'cors',
        ],
        ['Cache-Control', token.cacheControl ?? '(none)', 'access_token'],
        ['token_type', token.tokenType ?? '(none)', 'bearer_header'],
      ]),
    ),
    step(
      '3. The access token',
      table([
        ['iss', claims.iss],
        ['aud', claims.aud],
        ['cid', claims.cid],
        ['scp', JSON.stringify(claims.scp)],
        ['exp', `${claims.exp} (${new Date(claims.exp * 1000).toISOString()})`],
        [
          'where it lives',
          "In this page's memory only (a JavaScript variable): not in localStorage, sessionStorage or a cookie. A reload forgets it.",
          'token_in_memory',
        ],
      ]),
      idClaims
        ? el(
            'p',
            { class: `check ${lesson.nonceMatches ? 'ok' : 'bad'}`, 'data-check': 'nonce' },
            lesson.nonceMatches
              ? '✓ The ID token carries the nonce this page sent.'
              : '✗ The ID token does not carry the nonce this page sent.',
          )
        : undefined,
    ),
    step(
      '4. The bearer call',
      call
        ? table([
            ['request', `GET ${call.path}`],
            ['Authorization', `Bearer ${call.token}`, 'bearer_header'],
            ['status', call.status, call.status === 401 ? 'invalid_token' : undefined],
            ...(call.wwwAuthenticate
              ? [['WWW-Authenticate', call.wwwAuthenticate, 'www_authenticate']]
              : []),
          ])
        : el('p', {}, 'Press “Call the API” to see the request and its answer here.'),
    ),
  );
  const whatIf = step(
    'What if…',
    el(
      'p',
      {},
      'Each runs against the real API and provider. ',
      el(
        'button',
        {
          class: 'btn btn-sm btn-outline-danger',
          type: 'button',
          'data-spa-what-if': 'wrong-audience',
        },
        'Send the API the ID token instead',
      ),
      ' ',
      el(
        'button',
        { class: 'btn btn-sm btn-outline-secondary', type: 'button', 'data-spa-what-if': 'reload' },
        'Reload the page',
      ),
    ),
  );
  if (wrongAudience) {
    whatIf.append(
      el(
        'p',
        {},
        `The ID token's aud is ${JSON.stringify(idClaims?.aud)} (this client), not the API's ${JSON.stringify(claims.aud)}: it says who signed in, to this client, and is no credential for an API. The API answered:`,
      ),
      el(
        'div',
        { 'data-what-if-result': 'wrong-audience' },
        table([
          ['Authorization', `Bearer ${wrongAudience.token}`, 'aud'],
          ['status', wrongAudience.status],
          ['error', wrongAudience.body?.error ?? '(none)', 'invalid_token'],
          ['WWW-Authenticate', wrongAudience.wwwAuthenticate ?? '(none)', 'www_authenticate'],
        ]),
      ),
    );
  }
  sections.push(whatIf);
  panel.replaceChildren(...sections);
  panel
    .querySelector('[data-spa-what-if="wrong-audience"]')
    .addEventListener('click', () => callWithIdToken().catch((error) => show(error.message)));
  panel.querySelector('[data-spa-what-if="reload"]').addEventListener('click', reloadWhatIf);
  panel.hidden = false;
}

document
  .getElementById('spa-login')
  .addEventListener('click', () => login().catch((error) => show(error.message)));
document
  .getElementById('spa-call')
  .addEventListener('click', () => callApi().catch((error) => show(error.message)));

const reloadAskedAt = sessionStorage.getItem('spa.whatIfReload');
if (reloadAskedAt) {
  sessionStorage.removeItem('spa.whatIfReload');
  showAfterReload(reloadAskedAt);
}

const params = new URLSearchParams(location.search);
if (params.has('code') || params.has('error'))
  completeLogin(params).catch((error) => show(error.message));
