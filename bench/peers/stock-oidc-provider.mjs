// The "stock oidc-provider" peer: oidc-provider 9 as its README sets it up, with its own
// development login and consent pages, client credentials and JWT access tokens (one resource
// server, RS256 like Understudy's), on the port given, signing with the RS256 JWK in the file
// given (the bench makes one per run, as Understudy keeps its key in its data directory; without
// a file, oidc-provider's own development key, also RS256). Nothing tuned.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 4100);
const keyFile = process.argv[3];
const issuer = `http://localhost:${port}`;
const provider = new Provider(issuer, {
  ...(keyFile ? { jwks: { keys: [JSON.parse(readFileSync(keyFile, 'utf8'))] } } : {}),
  clients: [
    {
      client_id: 'bench-web',
      client_secret: 'bench-web-secret-0123456789',
      grant_types: ['authorization_code', 'client_credentials'],
      redirect_uris: ['http://localhost:3000/callback'],
      scope: 'openid profile api',
    },
  ],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'api'],
  features: {
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'api://default',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: 'api://default',
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.listen(port, () => console.log(`stock oidc-provider listening on ${issuer}`));
