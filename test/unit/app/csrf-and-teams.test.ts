import type { NextFunction, Request, Response } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrfToken, requireCsrf } from '../../../app/csrf.js';
import { HttpError } from '../../../app/http-error.js';
import { createTeamDirectory, type TeamDirectory } from '../../../app/teams.js';
import { loadSeed } from '../../../seed/load.js';

const request = (session: Record<string, unknown>, body?: Record<string, unknown>) =>
  ({ session, body }) as unknown as Request;

describe('the logout form CSRF check', () => {
  it('passes the token the session handed out, and nothing else', () => {
    const session: Record<string, unknown> = {};
    const token = csrfToken(request(session));
    expect(csrfToken(request(session))).toBe(token);
    let passed = false;
    const next = (() => (passed = true)) as NextFunction;
    requireCsrf(request(session, { _csrf: token }), {} as Response, next);
    expect(passed).toBe(true);
    for (const body of [{ _csrf: `${token}x` }, { _csrf: '' }, {}, undefined]) {
      expect(() => requireCsrf(request(session, body), {} as Response, next)).toThrow(HttpError);
    }
    // A session that never handed one out accepts none, not even an empty one.
    expect(() => requireCsrf(request({}, { _csrf: '' }), {} as Response, next)).toThrow(HttpError);
  });
});

describe('the team directory', () => {
  let teams: TeamDirectory;
  beforeAll(async () => {
    teams = createTeamDirectory(await loadSeed());
  });

  it('shows members their own team and the admin group every team', () => {
    const finance = teams.find('finance');
    const legal = teams.find('legal');
    if (!finance || !legal) throw new Error('the default seed has finance and legal teams');
    expect(teams.visibleTo(['finance']).map((team) => team.id)).toEqual(['finance']);
    expect(teams.canSee(['finance'], legal)).toBe(false);
    expect(teams.visibleTo(['admin'])).toHaveLength(teams.all().length);
    expect(teams.total(finance)).toBe(finance.expenses.reduce((sum, e) => sum + e.amount, 0));
  });
});
