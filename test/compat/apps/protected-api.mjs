// An API protected two ways, both by audience api://default and the issuer's keys:
// express-oauth2-jwt-bearer (from ISSUER_BASE_URL and AUDIENCE in the environment), and
// express-jwt with jwks-rsa reading ${ISSUER}/v1/keys.
import express from 'express';
import { expressjwt } from 'express-jwt';
import { auth } from 'express-oauth2-jwt-bearer';
import jwksRsa from 'jwks-rsa';

const { ISSUER_BASE_URL: issuer, PORT } = process.env;

const app = express();
app.get('/oauth2-jwt-bearer', auth(), (req, res) => res.json({ claims: req.auth.payload }));
app.get(
  '/express-jwt',
  expressjwt({
    secret: jwksRsa.expressJwtSecret({ jwksUri: `${issuer}/v1/keys`, cache: true }),
    audience: 'api://default',
    issuer,
    algorithms: ['RS256'],
  }),
  (req, res) => res.json({ claims: req.auth }),
);
app.use((error, req, res, next) => {
  void next;
  res.status(error.status ?? 500).json({ error: error.code ?? error.name });
});

app.listen(Number(PORT), '127.0.0.1', () => console.log('listening'));
