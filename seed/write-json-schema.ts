/**
 * Regenerates seed/seed.schema.json (editor completion for seed files) from the zod schema.
 * Run by `npm run seed:schema`; a test fails when the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderSeedJsonSchema } from './json-schema.js';

const target = fileURLToPath(new URL('../../seed/seed.schema.json', import.meta.url));
await writeFile(target, renderSeedJsonSchema());
console.log(`wrote ${target}`);
