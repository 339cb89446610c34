/**
 * /spa: a browser-only client (public, no secret) running Authorization Code + PKCE with Web
 * Crypto, exchanging the code at the provider over CORS and calling the API with the access
 * token it keeps in memory. Served as-is: no build step. The page's lesson panel (drawn by
 * spa.js from the values it really sent and saw) takes its spec links from app/spec-links.ts,
 * handed over here as JSON: the links are spelled once.
 */
import { Router } from 'express';
import type { AppConfig } from '../config.js';
import { type SpecLink, specLinks } from '../spec-links.js';

/** The lesson panel's name for a value → the table's entry (which may be named differently). */
const spaLessonEntries: Readonly<Record<string, string>> = {
  client_id: 'client_id',
  response_type: 'response_type',
  redirect_uri: 'redirect_uri',
  scope: 'scope',
  state: 'state',
  nonce: 'nonce',
  code_challenge: 'code_challenge',
  code_challenge_method: 'code_challenge_method',
  grant_type: 'grant_type',
  code: 'code',
  code_verifier: 'spa.code_verifier',
  public_client: 'public_client',
  cors: 'cors',
  access_token: 'access_token',
  id_token: 'id_token',
  iss: 'token.iss',
  aud: 'aud',
  cid: 'cid',
  scp: 'scp',
  exp: 'exp',
  token_in_memory: 'token_in_memory',
  bearer_header: 'bearer_header',
  invalid_token: 'invalid_token',
  www_authenticate: 'www_authenticate',
};

/** The spec links the SPA's lesson panel shows, by the name the panel uses. */
export function spaLessonLinks(): Record<string, SpecLink> {
  return Object.fromEntries(
    Object.entries(spaLessonEntries).map(([name, entry]) => {
      const link = specLinks[entry];
      if (!link) throw new Error(`no spec link named ${entry}`);
      return [name, link];
    }),
  );
}

export function createSpaRouter(config: AppConfig): Router {
  // Non-strict routing: /spa and /spa/ both land here; the registered redirect URI is /spa/.
  const router = Router();
  const spaSpec = spaLessonLinks();
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
      spaSpec,
    });
  });
  return router;
}
