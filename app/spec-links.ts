/**
 * Where each value on the "How you signed in" page is defined, and why it is there: one table,
 * used by the views beside every request parameter, response field, claim and refusal.
 */
export interface SpecLink {
  /** Short label: the document and section. */
  label: string;
  href: string;
  /** One line: why the value is there. */
  why: string;
}

const rfc = (number: number, section: string) =>
  `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}`;
const core = (anchor: string) => `https://openid.net/specs/openid-connect-core-1_0.html#${anchor}`;
const logout = (anchor: string) =>
  `https://openid.net/specs/openid-connect-rpinitiated-1_0.html#${anchor}`;
const okta =
  'https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/#access-token-payload';

const link = (label: string, href: string, why: string): SpecLink => ({ label, href, why });

/** By the name the value has on the wire; `token.<claim>` for claims where the name is shared. */
export const specLinks: Readonly<Record<string, SpecLink>> = Object.freeze({
  // The authorization request.
  response_type: link(
    'RFC 6749 §4.1.1',
    rfc(6749, '4.1.1'),
    '"code": ask for an authorization code, redeemed server to server, never tokens in the URL.',
  ),
  client_id: link(
    'RFC 6749 §2.2',
    rfc(6749, '2.2'),
    'Which registered app is asking; the provider looks up its redirect URIs by it.',
  ),
  redirect_uri: link(
    'RFC 6749 §3.1.2',
    rfc(6749, '3.1.2'),
    'Where the code goes; it must match a registered URI exactly, or the code could be sent anywhere.',
  ),
  scope: link(
    'RFC 6749 §3.3',
    rfc(6749, '3.3'),
    'What the app asks access to; "openid" makes it an OpenID Connect sign-in.',
  ),
  state: link(
    'RFC 6749 §10.12',
    rfc(6749, '10.12'),
    'Ties the callback to the request this browser made: a forged callback carries the wrong one (CSRF).',
  ),
  nonce: link(
    'OIDC Core §3.1.2.1',
    core('AuthRequest'),
    'Comes back inside the ID token: a token minted for another sign-in cannot be replayed into this one.',
  ),
  code_challenge: link(
    'RFC 7636 §4.3',
    rfc(7636, '4.3'),
    'The hash of a secret only this app holds: a stolen code is useless without the verifier.',
  ),
  code_challenge_method: link(
    'RFC 7636 §4.2',
    rfc(7636, '4.2'),
    'S256: the challenge is BASE64URL(SHA256(verifier)), so the request reveals nothing of the verifier.',
  ),
  acr_values: link(
    'OIDC Core §3.1.2.1',
    core('AuthRequest'),
    'The authentication level asked for (a second factor); the app checks the acr that comes back.',
  ),
  // The callback.
  code: link(
    'RFC 6749 §4.1.2',
    rfc(6749, '4.1.2'),
    "Short-lived and single use: redeemed once, at the token endpoint, with the client's credentials.",
  ),
  iss: link(
    'RFC 9207 §2',
    rfc(9207, '2'),
    "Which provider sent the callback: stops a mix-up between providers (also the token's issuer, RFC 7519 §4.1.1).",
  ),
  // The token request.
  grant_type: link(
    'RFC 6749 §4.1.3',
    rfc(6749, '4.1.3'),
    'What is being exchanged: an authorization code here, a refresh token on refresh (§6).',
  ),
  code_verifier: link(
    'RFC 7636 §4.5',
    rfc(7636, '4.5'),
    'The secret behind the challenge, sent only now, server to server; the provider hashes it and compares (§4.6).',
  ),
  client_authentication: link(
    'RFC 6749 §2.3.1',
    rfc(6749, '2.3.1'),
    'A confidential client proves who it is with its secret (HTTP Basic); the secret never reaches the browser.',
  ),
  // The token response.
  access_token: link(
    'RFC 6749 §5.1',
    rfc(6749, '5.1'),
    'What the app shows an API; here a JWT the API checks itself.',
  ),
  token_type: link(
    'RFC 6750 §4',
    rfc(6750, '4'),
    '"Bearer": whoever holds it may use it, so it travels only over TLS and never in URLs.',
  ),
  expires_in: link(
    'RFC 6749 §5.1',
    rfc(6749, '5.1'),
    'Seconds the access token lives; the app refreshes a minute before.',
  ),
  refresh_token: link(
    'RFC 6749 §6',
    rfc(6749, '6'),
    'Gets new access tokens without the user; asked for with offline_access, kept only on the server.',
  ),
  id_token: link(
    'OIDC Core §3.1.3.3',
    core('TokenResponse'),
    'Who signed in, signed by the provider, for this client only.',
  ),
  // The refresh.
  refresh: link(
    'RFC 6749 §6',
    rfc(6749, '6'),
    'grant_type=refresh_token: new access token, same grant; the user is not involved.',
  ),
  rotation: link(
    'RFC 9700 §4.14.2',
    rfc(9700, '4.14.2'),
    "A public client's refresh token is replaced at each use, so a stolen one is caught when both are used; Okta rotates only public clients'.",
  ),
  // Claims.
  'token.iss': link(
    'RFC 7519 §4.1.1',
    rfc(7519, '4.1.1'),
    'Who issued the token: must be exactly the provider the app discovered.',
  ),
  sub: link(
    'OIDC Core §2',
    core('IDToken'),
    "The user's stable identifier at this provider; never reassigned.",
  ),
  aud: link(
    'RFC 7519 §4.1.3',
    rfc(7519, '4.1.3'),
    'Who the token is for: the client id for an ID token, the API for an access token.',
  ),
  exp: link('RFC 7519 §4.1.4', rfc(7519, '4.1.4'), 'After this instant the token must be refused.'),
  iat: link('RFC 7519 §4.1.6', rfc(7519, '4.1.6'), 'When the token was issued.'),
  nbf: link('RFC 7519 §4.1.5', rfc(7519, '4.1.5'), 'Not to be accepted before this instant.'),
  jti: link(
    'RFC 7519 §4.1.7',
    rfc(7519, '4.1.7'),
    'A unique id for this token, so a replay can be recognised.',
  ),
  auth_time: link(
    'OIDC Core §2',
    core('IDToken'),
    'When the user last actually authenticated (not when this token was made).',
  ),
  amr: link(
    'OIDC Core §2',
    core('IDToken'),
    'How the user authenticated: "pwd", "otp", "mfa"… (values in RFC 8176).',
  ),
  acr: link(
    'OIDC Core §2',
    core('IDToken'),
    'The level of the authentication; the app requires urn:okta:loa:2fa:any for every team.',
  ),
  azp: link('OIDC Core §2', core('IDToken'), 'The party the ID token was issued to.'),
  at_hash: link(
    'OIDC Core §3.1.3.6',
    core('CodeIDToken'),
    'Half a hash of the access token: binds the two tokens of one response.',
  ),
  sid: link(
    'OIDC Front-Channel Logout §3',
    'https://openid.net/specs/openid-connect-frontchannel-1_0.html#ClaimsContents',
    'The provider session this sign-in belongs to.',
  ),
  idp: link(
    'Okta: ID token claims',
    'https://developer.okta.com/docs/api/openapi/okta-oauth/guides/overview/#id-token-payload',
    'Okta: the identity provider that authenticated the user.',
  ),
  ver: link('Okta: token claims', okta, 'Okta: the version of the token format.'),
  cid: link(
    'Okta: access token claims',
    okta,
    'Okta: the client the access token was issued to (resource servers check it).',
  ),
  uid: link('Okta: access token claims', okta, "Okta: the user's Okta id."),
  scp: link(
    'Okta: access token claims',
    okta,
    'Okta: the granted scopes, as an array; the API requires expenses:read here.',
  ),
  groups: link(
    'Okta: groups claim',
    'https://developer.okta.com/docs/guides/customize-tokens-groups-claim/main/',
    "The user's groups, asked for with the groups scope; the app maps them to teams.",
  ),
  name: link(
    'OIDC Core §5.1',
    core('StandardClaims'),
    'Standard claim: the full name (profile scope).',
  ),
  given_name: link('OIDC Core §5.1', core('StandardClaims'), 'Standard claim (profile scope).'),
  family_name: link('OIDC Core §5.1', core('StandardClaims'), 'Standard claim (profile scope).'),
  preferred_username: link(
    'OIDC Core §5.1',
    core('StandardClaims'),
    'Standard claim: how the user signs in; not an identifier (use sub).',
  ),
  email: link(
    'OIDC Core §5.1',
    core('StandardClaims'),
    'Standard claim (email scope); trust it only with email_verified.',
  ),
  email_verified: link(
    'OIDC Core §5.1',
    core('StandardClaims'),
    'Whether the provider checked the user owns the email.',
  ),
  locale: link('OIDC Core §5.1', core('StandardClaims'), 'Standard claim (profile scope).'),
  zoneinfo: link('OIDC Core §5.1', core('StandardClaims'), 'Standard claim (profile scope).'),
  updated_at: link(
    'OIDC Core §5.1',
    core('StandardClaims'),
    'Standard claim: when the profile last changed.',
  ),
  // JOSE header.
  alg: link(
    'RFC 7515 §4.1.1',
    rfc(7515, '4.1.1'),
    'The signature algorithm; the app accepts RS256 only, never "none" (RFC 7519 §6).',
  ),
  kid: link(
    'RFC 7515 §4.1.4',
    rfc(7515, '4.1.4'),
    "Which of the provider's published keys (JWKS) signed the token.",
  ),
  typ: link('RFC 7515 §4.1.9', rfc(7515, '4.1.9'), "The token's media type."),
  // Userinfo and logout.
  userinfo: link(
    'OIDC Core §5.3',
    core('UserInfo'),
    "Claims about the user, for the access token; its sub must equal the ID token's.",
  ),
  id_token_hint: link(
    'RP-Initiated Logout §2',
    logout('RPLogout'),
    "Tells the provider whose session to end, and proves the app holds that sign-in's ID token.",
  ),
  post_logout_redirect_uri: link(
    'RP-Initiated Logout §2',
    logout('RPLogout'),
    'Where the provider sends the browser after logout; must be registered, like redirect_uri.',
  ),
  logout_state: link(
    'RP-Initiated Logout §2',
    logout('RPLogout'),
    'Comes back on the redirect: the app knows this logout is the one it started.',
  ),
  // The single-page app (/spa): a public client in the browser.
  public_client: link(
    'RFC 6749 §2.1',
    rfc(6749, '2.1'),
    'A public client cannot keep a secret (its code is in every browser), so it sends none; PKCE protects its code instead.',
  ),
  'spa.code_verifier': link(
    'RFC 7636 §4.5',
    rfc(7636, '4.5'),
    'The secret behind the challenge, sent only now, from this page to the token endpoint; the provider hashes it and compares (§4.6).',
  ),
  cors: link(
    'Okta: enable CORS',
    'https://developer.okta.com/docs/guides/enable-cors/main/',
    "The token endpoint answers another origin's page only if that origin is trusted: the browser checks Access-Control-Allow-Origin before the page may read the answer.",
  ),
  bearer_header: link(
    'RFC 6750 §2.1',
    rfc(6750, '2.1'),
    'The access token travels in the Authorization header: "Bearer" and the token, never in the URL.',
  ),
  token_in_memory: link(
    'RFC 6750 §5.3',
    rfc(6750, '5.3'),
    'Safeguard bearer tokens: kept in a variable of this page, not in localStorage or a cookie, so nothing outlives the page.',
  ),
  // Refusals.
  invalid_grant: link(
    'RFC 6749 §5.2',
    rfc(6749, '5.2'),
    'The code or refresh token is invalid, expired, spent, or its verifier wrong.',
  ),
  invalid_token: link(
    'RFC 6750 §3.1',
    rfc(6750, '3.1'),
    'The API refuses the token: expired, badly signed, or not for it.',
  ),
  www_authenticate: link(
    'RFC 6750 §3',
    rfc(6750, '3'),
    'The challenge that tells a client why its token was refused.',
  ),
  code_injection: link(
    'RFC 9700 §4.5',
    rfc(9700, '4.5'),
    'Authorization code injection: PKCE makes a stolen code useless.',
  ),
  csrf: link(
    'RFC 9700 §4.7',
    rfc(9700, '4.7'),
    'Cross-site request forgery on the redirect: state (or PKCE) stops it.',
  ),
  redirect_validation: link(
    'RFC 9700 §4.1',
    rfc(9700, '4.1'),
    'Insufficient redirect URI validation: exact matching stops codes going to an attacker.',
  ),
  code_reuse: link(
    'RFC 6749 §4.1.2',
    rfc(6749, '4.1.2'),
    'A code used twice must be refused, and the provider should revoke what it issued.',
  ),
});

/** The link for a value on the page, if the table has one. */
export function specFor(name: string): SpecLink | undefined {
  return Object.hasOwn(specLinks, name) ? specLinks[name] : undefined;
}
