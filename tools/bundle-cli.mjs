// Bundles the `understudy` CLI into one ESM file. Start-up is part of the product: resolving
// and loading ~400 separate modules costs more than everything else the CLI does at boot.
import { createHash } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
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
// An ES import of node:http builds its ES module facade, which reads every export, and
// Node 24's lazy `WebSocket` getter then loads undici: ~30 ms of every start for a client
// the provider never uses. Import statements get the module object the way require() would.
const httpExports = [
  'Agent',
  'ClientRequest',
  'IncomingMessage',
  'METHODS',
  'OutgoingMessage',
  'STATUS_CODES',
  'Server',
  'ServerResponse',
  'createServer',
  'get',
  'request',
  'validateHeaderName',
  'validateHeaderValue',
];
const httpWithoutFacade = {
  name: 'http-without-facade',
  setup(plugin) {
    plugin.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.kind === 'import-statement'
        ? { path: 'node:http', namespace: 'http-module' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'http-module' }, () => ({
      contents: [
        "const http = process.getBuiltinModule('node:http');",
        'export default http;',
        `export const { ${httpExports.join(', ')} } = http;`,
      ].join('\n'),
      loader: 'js',
    }));
  },
};
await rm('dist/bin', { recursive: true, force: true });
const require = createRequire(import.meta.url);
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

const schemaHash = createHash('sha256')
  .update(await readFile('seed/schema.ts'))
  .update(await readFile('seed/validate.ts'))
  .digest('base64url');

await build({
  plugins: [servedMimeTypesOnly, httpWithoutFacade],
  entryPoints: ['provider/main/cli.ts'],
  outdir: 'dist/bin',
  entryNames: 'cli-bundle',
  chunkNames: 'chunks/[name]-[hash]',
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
  // CommonJS dependencies (koa and friends) call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __understudyRequire } from 'node:module'; const require = __understudyRequire(import.meta.url);",
  },
});

// The bin is a two-line loader so V8's compile cache (a no-op on runtimes without it) covers
// the whole bundle: on later starts the bundle is not parsed and compiled again.
const loader = `#!/usr/bin/env node
import module from 'node:module';
module.enableCompileCache?.();
await import('./cli-bundle.js');
`;
await writeFile('dist/bin/understudy.js', loader);
await chmod('dist/bin/understudy.js', 0o755);
