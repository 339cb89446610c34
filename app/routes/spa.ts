/**
 * /spa: a browser-only client (public, no secret) running Authorization Code + PKCE with Web
 * Crypto, exchanging the code at the provider over CORS and calling the API with the access
 * token it keeps in memory. Served as-is: no build step.
 */
import { Router } from 'express';
import type { AppConfig } from '../config.js';

export function createSpaRouter(config: AppConfig): Router {
  // Non-strict routing: /spa and /spa/ both land here; the registered redirect URI is /spa/.
  const router = Router();
  router.get('/spa/', (_req, res) => {
    res.render('spa', {
      user: undefined,
      spaConfig: {
        issuer: config.issuer,
        clientId: config.spaClientId,
        redirectUri: `${config.baseUrl}/spa/`,
        // The API's scope too: the SPA signs in to call it.
        scope: [...new Set(['openid', 'profile', 'email', 'groups', config.apiScope])].join(' '),
      },
    });
  });
  return router;
}
