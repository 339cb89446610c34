/**
 * Validates a seed object against the schema. Kept apart from the loader so the CLI can skip
 * loading zod altogether when an unchanged seed was validated before.
 */
import type { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { SeedError } from './errors.js';
import { type Seed, seedSchema } from './schema.js';

/** Validates an in-memory seed object; `source` names it in error messages. */
export function parseSeed(input: unknown, source = '<seed object>'): Seed {
  const result = seedSchema.safeParse(input);
  if (!result.success) {
    throw new SeedError(source, result.error.issues.map(formatIssue));
  }
  return deepFreeze(result.data);
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  return where ? `${where}: ${issue.message}` : issue.message;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(segment)))
      out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
