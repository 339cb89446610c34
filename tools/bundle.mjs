// Bundles what the package ships: the `understudy` CLI and the test kit (the package's main
// export), sharing their chunks, in dist/bin. Start-up is part of the product: resolving and
// loading ~400 separate modules costs more than everything else the CLI does at boot, and a
// test file that imports the kit pays the same once per file. What the bundle changes in its
// dependencies' code is in bundle-rewrites.mjs, each change guarded and tested.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { builtinsWithoutFacade, koaBodyChecks, listFormatsOnFirstUse } from './bundle-rewrites.mjs';

const require = createRequire(import.meta.url);

await rm('dist/bin', { recursive: true, force: true });
// What a validated seed depends on: every module of seed/ (the schema imports some of them,
// such as the Okta API scopes) and the zod that runs it. A cached result from any other
// build is validated again.
const seedHash = createHash('sha256').update(require('zod/package.json').version);
for (const name of (await readdir('seed')).filter((file) => file.endsWith('.ts')).sort()) {
  seedHash.update(name).update(await readFile(`seed/${name}`));
}
const schemaHash = seedHash.digest('base64url');

await build({
  plugins: [builtinsWithoutFacade, koaBodyChecks, listFormatsOnFirstUse],
  entryPoints: { 'cli-bundle': 'provider/main/cli.ts', kit: 'provider/testkit/index.ts' },
  outdir: 'dist/bin',
  entryNames: '[name]',
  // Beside the entries, not in a folder: every module, wherever esbuild puts it, then finds
  // the package's seed two levels up (seed/load.ts) and validated-seed.json beside itself.
  chunkNames: '[name]-[hash]',
  // zod lands in its own chunk, loaded only when a seed has to be validated.
  splitting: true,
  define: { UNDERSTUDY_SEED_SCHEMA_HASH: JSON.stringify(schemaHash) },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  logOverride: { 'import-is-undefined': 'error' },
  // CommonJS dependencies (koa and friends) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __understudyRequire } from 'node:module'; const require = __understudyRequire(import.meta.url);",
  },
});

// The bin is a small loader so V8's compile cache (a no-op on runtimes without it) covers the
// whole bundle: on later starts the bundle is not parsed and compiled again.
const loader = `#!/usr/bin/env node
import module from 'node:module';
module.enableCompileCache?.();
const { main } = await import('./cli-bundle.js');
const exitCode = await main(process.argv.slice(2));
if (exitCode !== 0) process.exitCode = exitCode;
`;
await writeFile('dist/bin/understudy.js', loader);
await chmod('dist/bin/understudy.js', 0o755);

// The package's own seed, validated now (tsc has just built seed/) and kept beside the bundle
// under the schema hash the bundle carries: starts with that seed skip zod altogether.
const { loadSeed } = await import('../dist/seed/load.js');
await loadSeed('seed/default.json', [{ dir: 'dist/bin', schemaHash }]);
if (!existsSync('dist/bin/validated-seed.json'))
  throw new Error('dist/bin/validated-seed.json was not written');
