/**
 * Who sees which team: members of a team's group see it; members of the admin group see every
 * team, but only once they have proved a second factor (the token's `acr` is the level asked
 * for with `acr_values`). The same rule serves the pages (the ID token's acr) and the API (the
 * access token's).
 */
import type { Seed, SeedTeam } from '../seed/schema.js';

/** The Okta level the all-teams view needs: any second factor on top of the password. */
export const adminAcr = 'urn:okta:loa:2fa:any';

/** Who is looking: their groups, and the `acr` of the token they came with. */
export interface Viewer {
  groups: readonly string[];
  acr: unknown;
}

/**
 * allowed: a member, or a verified admin; step_up: an admin who needs a second factor first;
 * forbidden: neither.
 */
export type TeamAccess = 'allowed' | 'step_up' | 'forbidden';

export interface TeamDirectory {
  all(): readonly SeedTeam[];
  find(id: string): SeedTeam | undefined;
  access(viewer: Viewer, team: SeedTeam): TeamAccess;
  /** The teams the viewer sees now: their own, and every team for a verified admin. */
  visibleTo(viewer: Viewer): SeedTeam[];
  /** An admin who has not proved a second factor: they would see every team after one. */
  needsStepUp(viewer: Viewer): boolean;
  /** An admin who has proved a second factor, so sees every team. */
  seesAll(viewer: Viewer): boolean;
  total(team: SeedTeam): number;
}

export function createTeamDirectory(seed: Seed): TeamDirectory {
  const isAdmin = (viewer: Viewer) =>
    seed.adminGroup !== undefined && viewer.groups.includes(seed.adminGroup);
  const seesAll = (viewer: Viewer) => isAdmin(viewer) && viewer.acr === adminAcr;
  const access = (viewer: Viewer, team: SeedTeam): TeamAccess => {
    if (viewer.groups.includes(team.group) || seesAll(viewer)) return 'allowed';
    return isAdmin(viewer) ? 'step_up' : 'forbidden';
  };
  return {
    all: () => seed.teams,
    find: (id) => seed.teams.find((team) => team.id === id),
    access,
    visibleTo: (viewer) => seed.teams.filter((team) => access(viewer, team) === 'allowed'),
    needsStepUp: (viewer) => isAdmin(viewer) && !seesAll(viewer),
    seesAll,
    total: (team) => team.expenses.reduce((sum, expense) => sum + expense.amount, 0),
  };
}
