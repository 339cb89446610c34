// The /spa client: Authorization Code + PKCE entirely in the browser (Web Crypto), a public
// client with no secret, tokens in memory only. The verifier and state survive the redirect in
// sessionStorage and are removed as soon as the callback uses them.
const config = JSON.parse(document.getElementById('spa-config').textContent);
const output = document.getElementById('spa-output');
let accessToken;

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
  const challenge = base64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)),
  );
  sessionStorage.setItem('spa.pkce', JSON.stringify({ verifier, state }));
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    response_type: 'code',
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
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
  const response = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code: params.get('code'),
      redirect_uri: config.redirectUri,
      code_verifier: saved.verifier,
    }),
  });
  const tokens = await response.json();
  if (!response.ok) throw new Error(`${tokens.error}: ${tokens.error_description ?? ''}`);
  accessToken = tokens.access_token;
  const claims = decodeClaims(tokens.access_token);
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
}

function decodeClaims(jwt) {
  const base64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

async function callApi() {
  const team = document.getElementById('spa-team').value;
  const response = await fetch(`/api/teams/${encodeURIComponent(team)}/expenses`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  show({ status: response.status, body: await response.json() });
}

document
  .getElementById('spa-login')
  .addEventListener('click', () => login().catch((error) => show(error.message)));
document
  .getElementById('spa-call')
  .addEventListener('click', () => callApi().catch((error) => show(error.message)));

const params = new URLSearchParams(location.search);
if (params.has('code') || params.has('error'))
  completeLogin(params).catch((error) => show(error.message));
