/**
 * A resource server: team expenses for a bearer JWT access token from the provider, checked
 * for signature (the provider's JWKS), issuer, audience, expiry and scope, then the same team
 * rules as the pages.
 */
import { type Response, Router } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { AppConfig } from '../config.js';
import type { Oidc } from '../oidc.js';
import type { TeamDirectory } from '../teams.js';

export function createApiRouter(config: AppConfig, oidc: Oidc, teams: TeamDirectory): Router {
  const router = Router();

  router.get('/api/teams/:id/expenses', async (req, res) => {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) return challenge(res, 401);
    const configuration = await oidc.configuration();
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, await oidc.keys(), {
        issuer: configuration.serverMetadata().issuer,
        audience: config.apiAudience,
        algorithms: ['RS256'],
        currentDate: new Date(Date.now()),
      }));
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      return challenge(
        res,
        401,
        'invalid_token',
        expired ? 'The access token expired' : 'The access token is invalid',
      );
    }
    const scopes = Array.isArray(claims.scp) ? claims.scp.map(String) : [];
    if (!scopes.includes(config.apiScope)) {
      return challenge(
        res,
        403,
        'insufficient_scope',
        `The access token lacks the ${config.apiScope} scope`,
      );
    }
    const team = teams.find(String(req.params.id));
    if (!team)
      return res.status(404).json({ error: 'not_found', error_description: 'No such team' });
    const groups = Array.isArray(claims.groups) ? claims.groups.map(String) : [];
    if (!teams.canSee(groups, team)) {
      return res
        .status(403)
        .json({ error: 'forbidden', error_description: `Not a member of ${team.label}` });
    }
    res.set('cache-control', 'no-store');
    return res.json({
      team: { id: team.id, label: team.label },
      expenses: team.expenses,
      total: teams.total(team),
    });
  });

  function challenge(res: Response, status: number, error?: string, description?: string) {
    const parts = [`realm="expenses"`, `scope="${config.apiScope}"`];
    if (error) parts.push(`error="${error}"`);
    if (description) parts.push(`error_description="${description}"`);
    res.status(status).set('www-authenticate', `Bearer ${parts.join(', ')}`);
    return res.json(error ? { error, error_description: description } : { error: 'unauthorized' });
  }

  return router;
}
