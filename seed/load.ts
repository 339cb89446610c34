/**
 * Reads and validates a seed file. Every failure names the file, the path inside it and the
 * problem, so a bad seed stops start-up with one readable message.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { type Seed, seedSchema } from './schema.js';

// Beside this module when run from source; two levels up from the compiled dist/seed/.
const besideModule = new URL('./default.json', import.meta.url);
export const defaultSeedPath = fileURLToPath(
  existsSync(besideModule) ? besideModule : new URL('../../seed/default.json', import.meta.url),
);

export class SeedError extends Error {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: string[]) {
    super(`Invalid seed ${file}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'SeedError';
    this.file = file;
    this.problems = problems;
  }
}

export async function loadSeed(file: string = defaultSeedPath): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SeedError(file, [
      code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(cause)})`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SeedError(file, [describeJsonError(text, cause as Error)]);
  }
  return parseSeed(json, file);
}

/** Validates an in-memory seed object; `source` names it in error messages. */
export function parseSeed(input: unknown, source = '<seed object>'): Seed {
  const result = seedSchema.safeParse(input);
  if (!result.success) {
    throw new SeedError(source, result.error.issues.map(formatIssue));
  }
  return deepFreeze(result.data);
}

/** V8 sometimes leaves out where the JSON breaks; find the line and column ourselves. */
function describeJsonError(text: string, error: Error): string {
  const reason = error.message
    .replace(/,? ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position.*$/s, '');
  const offset = firstBadOffset(text);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `malformed JSON at line ${line}, column ${column}: ${reason}`;
}

/** The length of the longest prefix that could still become valid JSON. */
function firstBadOffset(text: string): number {
  const viable = (length: number) => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message)?.[1];
      return /Unexpected end of JSON input/.test(message) || Number(position) >= length;
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (viable(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
