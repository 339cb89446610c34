/**
 * The dashboard's pages: home, your teams, one team's expenses, your profile, and how you
 * signed in.
 */
import { createHash } from 'node:crypto';
import { type Request, Router } from 'express';
import { csrfToken } from '../csrf.js';
import { HttpError } from '../errors.js';
import type { Oidc } from '../oidc.js';
import { requireLogin } from '../require-login.js';
import type { TeamDirectory } from '../teams.js';

const notices: Record<string, string> = {
  session_expired: 'Your session expired and could not be renewed. Please sign in again.',
};

export function createPagesRouter(teams: TeamDirectory, oidc: Oidc, issuer: string): Router {
  const router = Router();
  const signedIn = requireLogin(oidc, issuer);
  const common = (req: Request) => ({
    user: req.session.user,
    csrfToken: req.session.user ? csrfToken(req) : undefined,
  });

  router.get('/', (req, res) => {
    const notice = typeof req.query.notice === 'string' ? notices[req.query.notice] : undefined;
    res.render('home', { ...common(req), notice });
  });

  router.get('/dashboard', signedIn, (req, res) => {
    const groups = req.session.user?.groups ?? [];
    res.render('dashboard', { ...common(req), teams: teams.visibleTo(groups), total: teams.total });
  });

  router.get('/team/:id', signedIn, (req, res) => {
    const team = teams.find(String(req.params.id));
    if (!team) throw new HttpError(404, 'not_found', `There is no team "${req.params.id}".`);
    if (!teams.canSee(req.session.user?.groups ?? [], team)) {
      throw new HttpError(
        403,
        'forbidden',
        `You are not in the ${team.label} team, so its expenses are not yours to see.`,
      );
    }
    res.render('team', { ...common(req), team, total: teams.total(team) });
  });

  router.get('/profile', signedIn, (req, res) => {
    res.render('profile', { ...common(req) });
  });

  router.get('/flow', signedIn, (req, res) => {
    const flow = req.session.flow;
    if (!flow) return res.redirect('/dashboard');
    // Recomputed here, in front of the reader: BASE64URL(SHA256(code_verifier)).
    const computedChallenge = createHash('sha256')
      .update(flow.pkce.codeVerifier)
      .digest('base64url');
    res.render('flow', {
      ...common(req),
      flow,
      computedChallenge,
      challengeMatches: computedChallenge === flow.pkce.codeChallenge,
      stateMatches: flow.state.sent === flow.state.returned,
      nonceMatches: flow.nonce.sent === flow.nonce.inIdToken,
    });
  });

  return router;
}
