/**
 * The dashboard's pages: home, your teams, one team's expenses, your profile, and how you
 * signed in. An admin sees every team only after a second factor (teams.ts): until then the
 * dashboard shows their own teams and offers the step-up, and a team page they could see only
 * as an admin starts it.
 */
import { sequenceDiagram } from '../sequence-diagram.js';
import { createHash } from 'node:crypto';
import { type Request, Router } from 'express';
import { csrfToken } from '../csrf.js';
import { HttpError } from '../errors.js';
import type { FlowRecord } from '../flow-record.js';
import type { Oidc } from '../oidc.js';
import { requireLogin } from '../require-login.js';
import type { TeamDirectory, Viewer } from '../teams.js';
import { saveSession } from '../session.js';
import { specFor } from '../spec-links.js';
import { stepUpUrl } from './auth.js';
import { codeReplay, whatIfs } from '../what-if.js';

const notices: Record<string, string> = {
  session_expired: 'Your session expired and could not be renewed. Please sign in again.',
};

/** How long after logout `/flow` still shows the sign-in that ended. */
const endedSignInShownMs = 10 * 60_000;

export function createPagesRouter(teams: TeamDirectory, oidc: Oidc, issuer: string): Router {
  const router = Router();
  const signedIn = requireLogin(oidc, issuer);
  const common = (req: Request) => ({
    user: req.session.user,
    csrfToken: req.session.user ? csrfToken(req) : undefined,
  });

  router.get('/', async (req, res) => {
    // Back from the provider's logout with the state the app sent: its session has ended.
    const logout = req.session.endedSignIn?.logout;
    if (logout && typeof req.query.state === 'string' && req.query.state === logout.expectedState) {
      logout.providerSessionEndedAt ??= new Date().toISOString();
      await saveSession(req);
      return res.redirect('/');
    }
    const notice = typeof req.query.notice === 'string' ? notices[req.query.notice] : undefined;
    res.render('home', { ...common(req), notice });
  });

  router.get('/dashboard', signedIn, (req, res) => {
    const viewer = viewerOf(req);
    res.render('dashboard', {
      ...common(req),
      teams: teams.visibleTo(viewer),
      total: teams.total,
      allTeams: teams.seesAll(viewer),
      // A link, not a redirect: the admin's own view is still useful without a second factor.
      stepUpUrl: teams.needsStepUp(viewer) ? stepUpUrl('/dashboard') : undefined,
    });
  });

  router.get('/team/:id', signedIn, (req, res) => {
    const team = teams.find(String(req.params.id));
    if (!team) throw new HttpError(404, 'not_found', `There is no team "${req.params.id}".`);
    const access = teams.access(viewerOf(req), team);
    if (access === 'forbidden') {
      throw new HttpError(
        403,
        'forbidden',
        `You are not in the ${team.label} team, so its expenses are not yours to see.`,
      );
    }
    // The admin asked for this page, which a second factor would show: go and get it.
    if (access === 'step_up') return res.redirect(stepUpUrl(req.originalUrl));
    res.render('team', { ...common(req), team, total: teams.total(team) });
  });

  router.get('/profile', signedIn, (req, res) => {
    res.render('profile', { ...common(req) });
  });

  // Signed out after a sign-in: the lesson of the sign-in that ended, its logout included.
  router.get('/flow', async (req, res, next) => {
    const ended = req.session.endedSignIn;
    if (req.session.user || !ended) return next();
    // It names the person who signed out: shown for a while after, not to the next user.
    if (Date.parse(ended.logout?.at ?? '') + endedSignInShownMs < Date.now()) {
      delete req.session.endedSignIn;
      await saveSession(req);
      return next();
    }
    res.set('cache-control', 'no-store');
    res.render('flow', { ...common(req), ...lessonOf(ended), ended: true });
  });

  router.get('/flow', signedIn, (req, res) => {
    const flow = req.session.flow;
    if (!flow) return res.redirect('/dashboard');
    res.render('flow', { ...common(req), ...lessonOf(flow), ended: false });
  });

  return router;
}

/** What the lesson page shows of a sign-in: its record, the checks redone, the spec links. */
function lessonOf(flow: FlowRecord) {
  // Recomputed here, in front of the reader: BASE64URL(SHA256(code_verifier)).
  const computedChallenge = createHash('sha256').update(flow.pkce.codeVerifier).digest('base64url');
  const idTokenClaims = flow.tokens[0]?.claims ?? {};
  return {
    flow,
    computedChallenge,
    challengeMatches: computedChallenge === flow.pkce.codeChallenge,
    stateMatches: flow.state.sent === flow.state.returned,
    nonceMatches: flow.nonce.sent === flow.nonce.inIdToken,
    mfa: { amr: idTokenClaims.amr, acr: idTokenClaims.acr },
    diagram: sequenceDiagram(
      flow,
      Array.isArray(idTokenClaims.amr) && idTokenClaims.amr.includes('mfa'),
    ),
    spec: specFor,
    whatIfs,
    codeReplay,
  };
}

/** The signed-in user's groups, and the acr of the ID token they signed in with. */
function viewerOf(req: Request): Viewer {
  const user = req.session.user;
  return { groups: user?.groups ?? [], acr: user?.idTokenClaims.acr };
}
