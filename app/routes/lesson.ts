/**
 * The lesson's "What if…" lab: each case a CSRF-protected POST that replays the learner's own
 * sign-in with one thing wrong and shows the real refusal (app/what-if.ts). The learner's
 * session is read, never changed.
 */
import { Router, urlencoded } from 'express';
import type { AppConfig } from '../config.js';
import { requireCsrf, csrfToken } from '../csrf.js';
import { HttpError } from '../errors.js';
import type { Oidc } from '../oidc.js';
import { requireLogin } from '../require-login.js';
import { specFor } from '../spec-links.js';
import { findWhatIf, runWhatIf } from '../what-if.js';

export function createLessonRouter(config: AppConfig, oidc: Oidc): Router {
  const router = Router();
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
      const result = await runWhatIf(whatIf, {
        config,
        oidc,
        flow,
        tokens,
        spentCode: req.session.spentCode,
      });
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
