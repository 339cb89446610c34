/**
 * The lesson's "What if…" lab: each case a CSRF-protected POST that replays the learner's own
 * sign-in with one thing wrong and shows the real refusal (app/what-if.ts). The learner's
 * session is read, never changed.
 */
import { type Request, Router, urlencoded } from 'express';
import * as client from 'openid-client';
import { recordLogout } from '../flow-record.js';
import { regenerateSession, saveSession } from '../session.js';
import type { AppConfig } from '../config.js';
import { requireCsrf, csrfToken } from '../csrf.js';
import { HttpError } from '../errors.js';
import type { Oidc } from '../oidc.js';
import { requireLogin } from '../require-login.js';
import { specFor } from '../spec-links.js';
import type { TeamDirectory } from '../teams.js';
import { codeReplay, findWhatIf, type LabContext, runWhatIf } from '../what-if.js';
import { createAccessTokenVerifier } from './api.js';

export function createLessonRouter(config: AppConfig, oidc: Oidc, teams: TeamDirectory): Router {
  const router = Router();
  const verifyAccessToken = createAccessTokenVerifier(config, oidc);
  /** What a what-if runs with: the app's own pieces and the learner's real sign-in. */
  const labContext = (
    req: Request,
    flow: LabContext['flow'],
    tokens: LabContext['tokens'],
  ): LabContext => ({
    config,
    oidc,
    flow,
    tokens,
    spentCode: req.session.spentCode,
    teams,
    verifyAccessToken,
  });
  // The code used twice revokes the learner's tokens: a confirm step first, a sign-out after.
  router.post(
    `/flow/what-if/${codeReplay.id}`,
    urlencoded({ extended: false }),
    requireCsrf,
    requireLogin(oidc, config.issuer),
    async (req, res) => {
      const { flow, tokens } = req.session;
      if (!flow || !tokens || !req.session.spentCode) return res.redirect('/flow');
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.confirm !== 'yes') {
        return res.render('what-if-confirm', {
          user: req.session.user,
          csrfToken: csrfToken(req),
          whatIf: codeReplay,
        });
      }
      const result = await runWhatIf(codeReplay, labContext(req, flow, tokens));
      // Signed out of the app as /logout does it, the lesson of the sign-in kept; the link to
      // the provider's logout on the page ends its session too.
      const endSession = client.buildEndSessionUrl(await oidc.configuration(), {
        id_token_hint: tokens.idToken,
        post_logout_redirect_uri: `${config.baseUrl}/`,
        state: client.randomState(),
      });
      await regenerateSession(req);
      req.session.endedSignIn = recordLogout(flow, { endSessionUrl: endSession });
      await saveSession(req);
      res.render('what-if', {
        user: undefined,
        csrfToken: csrfToken(req),
        result,
        spec: specFor,
        endSessionUrl: endSession.href,
        revoked: result.exchanges[1]?.response.fields.active === 'false',
      });
    },
  );
  router.post(
    '/flow/what-if/:id',
    urlencoded({ extended: false }),
    requireCsrf,
    requireLogin(oidc, config.issuer),
    async (req, res) => {
      const whatIf = findWhatIf(String(req.params.id));
      if (!whatIf) throw new HttpError(404, 'not_found', 'There is no such what-if.');
      const { flow, tokens } = req.session;
      if (!flow || !tokens) return res.redirect('/flow');
      const result = await runWhatIf(whatIf, labContext(req, flow, tokens));
      res.render('what-if', {
        user: req.session.user,
        csrfToken: csrfToken(req),
        result,
        spec: specFor,
      });
    },
  );
  return router;
}
