import type { NextFunction, Request, Response } from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { csrfToken, requireCsrf } from '../../../app/csrf.js';
import { HttpError } from '../../../app/http-error.js';
import { adminAcr, createTeamDirectory, type TeamDirectory } from '../../../app/teams.js';
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

  it('shows members their own team and the admin group every team, after a second factor', () => {
    const finance = teams.find('finance');
    const legal = teams.find('legal');
    if (!finance || !legal) throw new Error('the default seed has finance and legal teams');
    const member = { groups: ['finance'], acr: undefined };
    expect(teams.visibleTo(member).map((team) => team.id)).toEqual(['finance']);
    expect(teams.access(member, finance)).toBe('allowed');
    expect(teams.access(member, legal)).toBe('forbidden');
    // A member's own team needs no second factor, and a second factor adds no teams.
    expect(teams.access({ groups: ['finance'], acr: adminAcr }, legal)).toBe('forbidden');
    expect(teams.needsStepUp(member)).toBe(false);
    expect(teams.total(finance)).toBe(finance.expenses.reduce((sum, e) => sum + e.amount, 0));
  });

  it("keeps every team from an admin until the token's acr shows a second factor", () => {
    const legal = teams.find('legal');
    if (!legal) throw new Error('the default seed has a legal team');
    for (const acr of [undefined, 'urn:okta:loa:1fa:any', `${adminAcr}:ifpossible`, [adminAcr]]) {
      const admin = { groups: ['admin'], acr };
      expect(teams.visibleTo(admin)).toEqual([]);
      expect(teams.access(admin, legal)).toBe('step_up');
      expect(teams.needsStepUp(admin)).toBe(true);
      expect(teams.seesAll(admin)).toBe(false);
    }
    const verified = { groups: ['admin'], acr: adminAcr };
    expect(teams.visibleTo(verified)).toHaveLength(teams.all().length);
    expect(teams.access(verified, legal)).toBe('allowed');
    expect(teams.needsStepUp(verified)).toBe(false);
    expect(teams.seesAll(verified)).toBe(true);
    // An admin who is also a member sees that team with one factor.
    const both = { groups: ['admin', 'legal'], acr: undefined };
    expect(teams.visibleTo(both).map((team) => team.id)).toEqual(['legal']);
    expect(teams.needsStepUp(both)).toBe(true);
  });

  it('has no admins when the seed names no admin group', async () => {
    const noAdmins = createTeamDirectory({ ...(await loadSeed()), adminGroup: undefined });
    const admin = { groups: ['admin'], acr: adminAcr };
    expect(noAdmins.visibleTo(admin)).toEqual([]);
    expect(noAdmins.needsStepUp(admin)).toBe(false);
  });
});
