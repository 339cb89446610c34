// An Okta resource server's token check, unmodified: @okta/jwt-verifier with the issuer and
// client id from the environment. Prints what each verification returned, as JSON.
import OktaJwtVerifier from '@okta/jwt-verifier';

const { OKTA_OAUTH2_ISSUER, OKTA_OAUTH2_CLIENT_ID, ACCESS_TOKEN, ID_TOKEN, NONCE } = process.env;

// As in Okta's resource-server sample: the API insists on the client and the scopes.
const accessTokenVerifier = new OktaJwtVerifier({
  issuer: OKTA_OAUTH2_ISSUER,
  clientId: OKTA_OAUTH2_CLIENT_ID,
  assertClaims: { cid: OKTA_OAUTH2_CLIENT_ID, 'scp.includes': ['openid', 'profile'] },
});
const idTokenVerifier = new OktaJwtVerifier({
  issuer: OKTA_OAUTH2_ISSUER,
  clientId: OKTA_OAUTH2_CLIENT_ID,
});

async function attempt(verify) {
  try {
    const jwt = await verify();
    return { ok: true, claims: jwt.claims };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

const results = {
  accessToken: await attempt(() =>
    accessTokenVerifier.verifyAccessToken(ACCESS_TOKEN, 'api://default'),
  ),
  idToken: await attempt(() =>
    idTokenVerifier.verifyIdToken(ID_TOKEN, OKTA_OAUTH2_CLIENT_ID, NONCE),
  ),
  wrongAudience: await attempt(() =>
    accessTokenVerifier.verifyAccessToken(ACCESS_TOKEN, 'api://other'),
  ),
};
console.log(JSON.stringify(results));
