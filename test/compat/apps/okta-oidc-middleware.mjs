// The @okta/oidc-middleware quick start, unmodified: ExpressOIDC from the environment,
// express-session before oidc.router, listening once the middleware is ready.
import oidcMiddleware from '@okta/oidc-middleware';
import express from 'express';
import session from 'express-session';

const { OKTA_OAUTH2_ISSUER, OKTA_OAUTH2_CLIENT_ID, OKTA_OAUTH2_CLIENT_SECRET, PORT } = process.env;

const oidc = new oidcMiddleware.ExpressOIDC({
  issuer: OKTA_OAUTH2_ISSUER,
  client_id: OKTA_OAUTH2_CLIENT_ID,
  client_secret: OKTA_OAUTH2_CLIENT_SECRET,
  appBaseUrl: `http://localhost:${PORT}`,
  scope: 'openid profile email groups offline_access',
});
const errors = [];
oidc.on('error', (error) => {
  errors.push(String(error?.message ?? error));
  console.error('oidc error:', error);
});

const app = express();
app.use(
  session({ secret: 'compat-suite-session-secret', resave: false, saveUninitialized: false }),
);
app.use(oidc.router);
app.get('/', (req, res) => {
  res.json({
    userinfo: req.userContext?.userinfo ?? null,
    // Exposed so the test can ask the provider whether logout really revoked them.
    tokens: req.userContext?.tokens ?? null,
    errors,
  });
});
app.get('/protected', oidc.ensureAuthenticated(), (req, res) => res.json({ ok: true }));

oidc.on('ready', () => app.listen(Number(PORT), '127.0.0.1', () => console.log('listening')));
