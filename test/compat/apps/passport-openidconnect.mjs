// passport-openidconnect with Okta's /v1/* URLs written out, as the Okta blog apps do; the
// token request sends the client secret in the body (client_secret_post).
import express from 'express';
import session from 'express-session';
import passport from 'passport';
import { Strategy } from 'passport-openidconnect';

const {
  OKTA_OAUTH2_ISSUER: issuer,
  OKTA_OAUTH2_CLIENT_ID,
  OKTA_OAUTH2_CLIENT_SECRET,
  PORT,
} = process.env;

passport.use(
  'oidc',
  new Strategy(
    {
      issuer,
      authorizationURL: `${issuer}/v1/authorize`,
      tokenURL: `${issuer}/v1/token`,
      userInfoURL: `${issuer}/v1/userinfo`,
      clientID: OKTA_OAUTH2_CLIENT_ID,
      clientSecret: OKTA_OAUTH2_CLIENT_SECRET,
      callbackURL: `http://localhost:${PORT}/authorization-code/callback`,
      scope: ['profile', 'email'],
    },
    (_issuer, profile, done) => done(null, profile),
  ),
);
passport.serializeUser((user, done) => done(null, user));
passport.deserializeUser((user, done) => done(null, user));

const app = express();
app.use(
  session({ secret: 'compat-suite-session-secret', resave: false, saveUninitialized: false }),
);
app.use(passport.initialize());
app.use(passport.session());
app.get('/login', passport.authenticate('oidc'));
app.get(
  '/authorization-code/callback',
  passport.authenticate('oidc', { failureRedirect: '/failed', failureMessage: true }),
  (req, res) => res.redirect('/'),
);
app.get('/', (req, res) => res.json({ user: req.user ?? null }));
app.get('/failed', (req, res) => res.status(401).json({ messages: req.session.messages ?? [] }));

app.listen(Number(PORT), '127.0.0.1', () => console.log('listening'));
