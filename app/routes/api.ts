/**
 * A resource server: team expenses for a bearer JWT access token from the provider, checked
 * for signature (the provider's JWKS), issuer, audience, expiry and scope, then the same team
 * rules as the pages: a team the caller sees only as an admin needs a token whose `acr` shows a
 * second factor, or gets Okta's step-up challenge. Every refusal is thrown; the error boundary
 * answers it as JSON.
 */
import { Router } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
import { BearerError, type BearerErrorCode } from '../bearer-error.js';
import type { AppConfig } from '../config.js';
import { answerErrorsAsJson, HttpError } from '../errors.js';
import type { Oidc } from '../oidc.js';
import type { SeedTeam } from '../../seed/schema.js';
import { adminAcr, type TeamDirectory } from '../teams.js';

const realm = 'expenses';

const refuser =
  (config: AppConfig) =>
  (code: BearerErrorCode | undefined, description: string, cause?: unknown) =>
    new BearerError(code, description, { realm, scope: config.apiScope, cause });

/**
 * The API's check of a bearer JWT: signature (the provider's JWKS), issuer, audience and expiry
 * at `now` (the lesson moves it past the token's exp); a refusal is thrown as a BearerError.
 */
export function createAccessTokenVerifier(config: AppConfig, oidc: Oidc) {
  const refuse = refuser(config);
  return async (token: string, now = new Date(Date.now())): Promise<Record<string, unknown>> => {
    const configuration = await oidc.configuration();
    try {
      const { payload } = await jwtVerify(token, await oidc.keys(), {
        issuer: configuration.serverMetadata().issuer,
        audience: config.apiAudience,
        algorithms: ['RS256'],
        currentDate: now,
      });
      return payload;
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw refuse(
        'invalid_token',
        expired ? 'The access token expired' : 'The access token is invalid',
        error,
      );
    }
  };
}

/**
 * The API's team rule on a verified token's claims: a member, or an admin whose token's acr
 * shows a second factor; an admin without one gets Okta's step-up challenge (the lesson runs
 * this same rule on the learner's access token).
 */
export function checkTeamAccess(
  teams: TeamDirectory,
  team: SeedTeam,
  claims: Record<string, unknown>,
): void {
  const groups = Array.isArray(claims.groups) ? claims.groups.map(String) : [];
  const access = teams.access({ groups, acr: claims.acr }, team);
  if (access === 'forbidden') {
    throw new HttpError(403, 'forbidden', `Not a member of ${team.label}`);
  }
  if (access === 'step_up') {
    throw new BearerError(
      'insufficient_authentication_context',
      `Only members see ${team.label} with one factor: an admin needs a token with acr ${adminAcr}`,
      { realm, acrValues: adminAcr },
    );
  }
}

export function createApiRouter(config: AppConfig, oidc: Oidc, teams: TeamDirectory): Router {
  const router = Router();
  const refuse = refuser(config);
  const verify = createAccessTokenVerifier(config, oidc);

  router.use('/api', answerErrorsAsJson);

  router.get('/api/teams/:id/expenses', async (req, res) => {
    const authorization = req.get('authorization') ?? '';
    // No bearer credentials at all: a bare challenge, with no error code (RFC 6750 §3.1).
    if (!/^Bearer(\s|$)/i.test(authorization)) {
      throw refuse(undefined, 'A bearer access token is required');
    }
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization)?.[1];
    if (!token) {
      throw refuse(
        'invalid_request',
        'The Authorization header must be Bearer followed by one token',
      );
    }
    const claims = await verify(token);
    const scopes = Array.isArray(claims.scp) ? claims.scp.map(String) : [];
    if (!scopes.includes(config.apiScope)) {
      throw refuse('insufficient_scope', `The access token lacks the ${config.apiScope} scope`);
    }
    const team = teams.find(String(req.params.id));
    if (!team) throw new HttpError(404, 'not_found', 'No such team');
    checkTeamAccess(teams, team, claims);
    res.set('cache-control', 'no-store');
    res.json({
      team: { id: team.id, label: team.label },
      expenses: team.expenses,
      total: teams.total(team),
    });
  });

  return router;
}
