// Bundles what the package ships: the `understudy` CLI and the test kit (the package's main
// export), sharing their chunks, in dist/bin. Start-up is part of the product: resolving and
// loading ~400 separate modules costs more than everything else the CLI does at boot, and a
// test file that imports the kit pays the same once per file.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { build } from 'esbuild';

// koa, accepts and type-is index all ~2,500 types of mime-db at import (~15 ms of every start);
// a provider only ever speaks these few, so the bundle carries just their entries.
const servedTypes = [
  'application/json',
  'application/jwk-set+json',
  'application/jwt',
  'application/x-www-form-urlencoded',
  'application/javascript',
  'application/octet-stream',
  'multipart/form-data',
  'text/css',
  'text/html',
  'text/javascript',
  'text/plain',
  'image/svg+xml',
  'image/png',
  'image/x-icon',
];
// An ES import of a built-in module builds its ES module facade, which reads every export,
// lazy getters included: node:http's `WebSocket` loads undici (~30 ms), node:crypto's
// `webcrypto` all of WebCrypto, and deprecated ones print warnings. Import statements get the
// module object the way require() would, with its plain exports and the few getters below;
// importing any other getter by name fails the build (see logOverride) instead of being
// undefined, and goes in this list if it is cheap.
const cheapGetters = new Set(['AsyncLocalStorage']);
const require = createRequire(import.meta.url);
const builtinsWithoutFacade = {
  name: 'builtins-without-facade',
  setup(plugin) {
    plugin.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined,
    );
    plugin.onResolve({ filter: /^[a-z_/]+$/ }, (args) =>
      args.kind === 'import-statement' && builtinModules.includes(args.path)
        ? { path: `node:${args.path}`, namespace: 'builtin' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const plain = Object.entries(Object.getOwnPropertyDescriptors(require(args.path)))
        .filter(([name, descriptor]) => 'value' in descriptor || cheapGetters.has(name))
        .map(([name]) => name)
        .filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
      return {
        contents: [
          `const builtin = process.getBuiltinModule(${JSON.stringify(args.path)});`,
          'export default builtin;',
          `export const { ${plain.join(', ')} } = builtin;`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};
// Koa asks whether each body is a Fetch `Response` or a `ReadableStream`, and Node defines
// those globals lazily: the first `Response` loads undici, ~25 ms of the first answer of every
// start. Their toStringTag says the same without loading anything.
const koaBodyChecks = {
  name: 'koa-body-checks-without-undici',
  setup(plugin) {
    plugin.onLoad({ filter: /[\\/]koa[\\/]lib[\\/](application|response)\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const checks = /\b(\w+) instanceof (Response|ReadableStream)\b/g;
      const found = source.match(checks)?.length ?? 0;
      // Two in each file in koa 3; any other count means koa changed and this must be looked at.
      if (found !== 2)
        throw new Error(`${args.path}: expected 2 Fetch body checks, found ${found}`);
      return {
        contents:
          "const __isWebBody = (value, tag) => value != null && typeof value === 'object' && value[Symbol.toStringTag] === tag;\n" +
          source.replace(checks, "__isWebBody($1, '$2')"),
        loader: 'js',
      };
    });
  },
};
// oidc-provider makes two Intl.ListFormat at import, for error descriptions only ("must be
// 'a', 'b', or 'c'"): ICU's locale data cost ~15 ms and ~6 MiB of RSS of every start. They
// are made on the first error that lists values instead, with the same locale and options.
const listFormatsOnFirstUse = {
  name: 'list-formats-on-first-use',
  setup(plugin) {
    plugin.onLoad(
      { filter: /[\\/]oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        const eager = /^const (\w+) = (new Intl\.ListFormat\([^;]*\));$/gm;
        const found = source.match(eager)?.length ?? 0;
        // A conjunction and a disjunction in oidc-provider 9; anything else must be looked at.
        if (found !== 2)
          throw new Error(`${args.path}: expected 2 Intl.ListFormat, found ${found}`);
        return {
          contents: source.replace(
            eager,
            'let made_$1;\nconst $1 = { format: (list) => (made_$1 ??= $2).format(list) };',
          ),
          loader: 'js',
        };
      },
    );
  },
};
await rm('dist/bin', { recursive: true, force: true });
const mimeDb = require('mime-db');
const servedMimeDb = Object.fromEntries(servedTypes.map((type) => [type, mimeDb[type]]));
const servedMimeTypesOnly = {
  name: 'served-mime-types-only',
  setup(plugin) {
    plugin.onResolve({ filter: /^mime-db$/ }, () => ({
      path: 'mime-db',
      namespace: 'served-mime-db',
    }));
    plugin.onLoad({ filter: /.*/, namespace: 'served-mime-db' }, () => ({
      contents: `module.exports = ${JSON.stringify(servedMimeDb)};`,
      loader: 'js',
    }));
  },
};

// What a validated seed depends on: every module of seed/ (the schema imports some of them,
// such as the Okta API scopes) and the zod that runs it. A cached result from any other
// build is validated again.
const seedHash = createHash('sha256').update(require('zod/package.json').version);
for (const name of (await readdir('seed')).filter((file) => file.endsWith('.ts')).sort()) {
  seedHash.update(name).update(await readFile(`seed/${name}`));
}
const schemaHash = seedHash.digest('base64url');

await build({
  plugins: [servedMimeTypesOnly, builtinsWithoutFacade, koaBodyChecks, listFormatsOnFirstUse],
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
