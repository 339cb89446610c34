// The "stock oidc-provider" peer: oidc-provider 9 as its README sets it up, with its own
// development login and consent pages, client credentials and JWT access tokens (one resource
// server), on the port given. Nothing tuned.
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 4100);
const issuer = `http://localhost:${port}`;
const provider = new Provider(issuer, {
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
      }),
    },
  },
});
provider.listen(port, () => console.log(`stock oidc-provider listening on ${issuer}`));
