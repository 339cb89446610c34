// Auth0's express-openid-connect, configured only by its own environment variables
// (ISSUER_BASE_URL, BASE_URL, CLIENT_ID, CLIENT_SECRET, SECRET). RESPONSE_TYPE=code switches
// from its default (implicit id_token with form_post) to the code flow.
import express from 'express';
import { auth } from 'express-openid-connect';

const { PORT, RESPONSE_TYPE } = process.env;

const app = express();
app.use(
  auth({
    authRequired: false,
    idpLogout: true,
    ...(RESPONSE_TYPE === 'code'
      ? { authorizationParams: { response_type: 'code', scope: 'openid profile email groups' } }
      : {}),
  }),
);
app.get('/', async (req, res) => {
  const signedIn = req.oidc.isAuthenticated();
  res.json({
    user: req.oidc.user ?? null,
    userinfo: signedIn && RESPONSE_TYPE === 'code' ? await req.oidc.fetchUserInfo() : null,
    hasAccessToken: Boolean(req.oidc.accessToken),
  });
});
app.use((error, req, res, next) => {
  void next;
  console.error(error);
  res.status(error.status ?? 500).json({ error: error.message });
});

app.listen(Number(PORT), '127.0.0.1', () => console.log('listening'));
