/**
 * Reads and validates a seed file. Every failure names the file, the path inside it and the
 * problem, so a bad seed stops start-up with one readable message.
 */

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deepFreeze } from './deep-freeze.js';
import { SeedError } from './errors.js';
import type { Seed } from './schema.js';

export { SeedError } from './errors.js';

// Beside this module when run from source; two levels up from the compiled dist/seed/ and from
// the bundle in dist/bin/.
const besideModule = new URL('./default.json', import.meta.url);
export const defaultSeedPath = fileURLToPath(
  existsSync(besideModule) ? besideModule : new URL('../../seed/default.json', import.meta.url),
);

export interface SeedCache {
  /** The directory validated-seed.json is kept in (the data directory, or the bundle's own). */
  dir: string;
  /** Changes whenever the code that validates does, so a result is never from other code. */
  schemaHash: string;
  /** Read but never written: the package's own seed, validated when the bundle was built. */
  readOnly?: boolean;
}

/**
 * Reads `file` and validates it, unless one of `caches` holds that very text validated under
 * the same schema. A miss is written to the first writable cache, for the next start.
 */
export async function loadSeed(
  file: string = defaultSeedPath,
  caches: readonly SeedCache[] = [],
): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new SeedError(file, [
      code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(cause)})`,
    ]);
  }
  for (const cache of caches) {
    const cached = await readCachedSeed(cacheFileIn(cache), cacheKey(cache, text));
    if (cached) return cached;
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new SeedError(file, [describeJsonError(text, cause as Error)]);
  }
  const { parseSeed } = await import('./validate.js');
  const seed = parseSeed(json, file);
  const writable = caches.find((cache) => !cache.readOnly);
  if (writable) {
    const cacheFile = cacheFileIn(writable);
    // Best effort: a read-only data directory only costs the next start its validation.
    await mkdir(dirname(cacheFile), { recursive: true })
      .then(() => writeFile(cacheFile, JSON.stringify({ key: cacheKey(writable, text), seed })))
      .catch(() => undefined);
  }
  return seed;
}

const cacheFileIn = (cache: SeedCache) => join(cache.dir, 'validated-seed.json');
const cacheKey = (cache: SeedCache, text: string) =>
  createHash('sha256').update(cache.schemaHash).update(text).digest('base64url');

async function readCachedSeed(file: string, key: string): Promise<Seed | undefined> {
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as { key?: string; seed?: Seed };
    return cached.key === key && cached.seed ? deepFreeze(cached.seed) : undefined;
  } catch {
    return undefined;
  }
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
