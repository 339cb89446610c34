// The changes the bundle makes to its dependencies' code, as esbuild plugins. Each one counts
// what it replaces and fails the build when the dependency no longer has exactly that, and
// test/unit/tools/bundle-rewrites.test.ts bundles the real dependency with it and checks the
// behaviour it touches.
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';

/** Rewrites one file a plugin matches; throws unless `pattern` occurs exactly `expected` times. */
function guardedRewrite(name, filter, pattern, expected, rewrite) {
  return {
    name,
    setup(plugin) {
      plugin.onLoad({ filter }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const found = source.match(pattern)?.length ?? 0;
        if (found !== expected) {
          throw new Error(
            `${name}: ${args.path}: expected ${expected} matches of ${pattern}, found ${found}; the dependency changed, look at this rewrite again`,
          );
        }
        return { contents: rewrite(source), loader: 'js' };
      });
    },
  };
}

// Koa asks whether each body is a Fetch `Response` or a `ReadableStream`, and Node defines
// those globals lazily: the first `Response` loads undici, ~25 ms of the first answer of every
// start. Their toStringTag says the same without loading anything.
const webBodyCheck = /\b(\w+) instanceof (Response|ReadableStream)\b/g;
export const koaBodyChecks = guardedRewrite(
  'koa-body-checks-without-undici',
  /[\\/]koa[\\/]lib[\\/](application|response)\.js$/,
  webBodyCheck,
  // Two in each file in koa 3.
  2,
  (source) =>
    "const __isWebBody = (value, tag) => value != null && typeof value === 'object' && value[Symbol.toStringTag] === tag;\n" +
    source.replace(webBodyCheck, "__isWebBody($1, '$2')"),
);

// oidc-provider makes two Intl.ListFormat at import, for error descriptions only ("must be
// 'a', 'b', or 'c'"): ICU's locale data cost ~15 ms and ~6 MiB of RSS of every start. They
// are made on the first error that lists values instead, with the same locale and options.
const eagerListFormat = /^const (\w+) = (new Intl\.ListFormat\([^;]*\));$/gm;
export const listFormatsOnFirstUse = guardedRewrite(
  'list-formats-on-first-use',
  /[\\/]oidc-provider[\\/]lib[\\/]helpers[\\/]formatters\.js$/,
  eagerListFormat,
  // A conjunction and a disjunction in oidc-provider 9.
  2,
  (source) =>
    source.replace(
      eagerListFormat,
      'let made_$1;\nconst $1 = { format: (list) => (made_$1 ??= $2).format(list) };',
    ),
);

// An ES import of a built-in module builds its ES module facade, which reads every export,
// lazy getters included: node:http's `WebSocket` loads undici (~30 ms), node:crypto's
// `webcrypto` all of WebCrypto, and deprecated ones print warnings. Import statements get the
// module object the way require() would, with its plain exports and the few getters below;
// importing any other getter by name fails the build (the bundle's logOverride) instead of
// being undefined, and goes in this list if it is cheap.
const cheapGetters = new Set(['AsyncLocalStorage']);
const require = createRequire(import.meta.url);
export const builtinsWithoutFacade = {
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
