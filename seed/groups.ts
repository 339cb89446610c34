/**
 * Okta's group ids for seeded groups: the seed may name one, and otherwise it is derived from
 * the name, so it stays the same across restarts and instances.
 */
import { createHash } from 'node:crypto';
import type { SeedGroup } from './schema.js';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function groupId(group: Pick<SeedGroup, 'id' | 'name'>): string {
  if (group.id) return group.id;
  const digest = createHash('sha256').update(`group:${group.name}`).digest();
  let id = '00g';
  for (let i = 0; i < 17; i += 1) id += alphabet[(digest[i] ?? 0) % alphabet.length];
  return id;
}
