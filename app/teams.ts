/**
 * Who sees which team: members of a team's group see it, members of the admin group see all.
 * The same rule serves the pages and the API.
 */
import type { Seed, SeedTeam } from '../seed/schema.js';

export interface TeamDirectory {
  all(): readonly SeedTeam[];
  find(id: string): SeedTeam | undefined;
  visibleTo(groups: readonly string[]): SeedTeam[];
  canSee(groups: readonly string[], team: SeedTeam): boolean;
  total(team: SeedTeam): number;
}

export function createTeamDirectory(seed: Seed): TeamDirectory {
  const isAdmin = (groups: readonly string[]) =>
    seed.adminGroup !== undefined && groups.includes(seed.adminGroup);
  const canSee = (groups: readonly string[], team: SeedTeam) =>
    isAdmin(groups) || groups.includes(team.group);
  return {
    all: () => seed.teams,
    find: (id) => seed.teams.find((team) => team.id === id),
    visibleTo: (groups) => seed.teams.filter((team) => canSee(groups, team)),
    canSee,
    total: (team) => team.expenses.reduce((sum, expense) => sum + expense.amount, 0),
  };
}
