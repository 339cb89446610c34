/**
 * Where a validated seed may be waiting, so a start skips loading zod and validating (~70 ms).
 * Only the bundles have caches: the bundler sets the schema hash and writes, beside the
 * bundle, validated-seed.json with the package's own seed validated at build time. Run from
 * tsc output or source, every seed is validated.
 */
import { fileURLToPath } from 'node:url';
import type { SeedCache } from '../../seed/load.js';

declare const UNDERSTUDY_SEED_SCHEMA_HASH: string | undefined;
const schemaHash =
  typeof UNDERSTUDY_SEED_SCHEMA_HASH === 'string' ? UNDERSTUDY_SEED_SCHEMA_HASH : undefined;

/** The data directory's cache (when there is one to keep), then the bundle's own. */
export function seedCaches(dataDir: string | undefined): SeedCache[] {
  if (schemaHash === undefined) return [];
  return [
    ...(dataDir === undefined ? [] : [{ dir: dataDir, schemaHash }]),
    { dir: fileURLToPath(new URL('.', import.meta.url)), schemaHash, readOnly: true },
  ];
}
