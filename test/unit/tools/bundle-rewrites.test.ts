/**
 * The bundle's changes to its dependencies' code: each one bundles the real dependency here as
 * tools/bundle.mjs does, and the behaviour it touches is the same as without it; a dependency
 * that no longer has what a rewrite replaces fails the build.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, without types
import { koaBodyChecks, listFormatsOnFirstUse } from '../../../tools/bundle-rewrites.mjs';

const out = mkdtempSync(join(tmpdir(), 'understudy-rewrites-'));

/** Bundles `source` (resolved from the project root) with `plugin`; the bundle's path. */
async function bundle(name: string, source: string, plugin: Plugin): Promise<string> {
  const outfile = join(out, `${name}.mjs`);
  await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins: [plugin],
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
  });
  return outfile;
}

/** What a bundled script prints, run in its own Node process as the bin would be. */
function run(file: string): string {
  return execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 10_000 });
}

describe("Koa's Fetch body checks by toStringTag", () => {
  it('still answers a Response and a ReadableStream body, and a plain one', async () => {
    const script = await bundle(
      'koa',
      `import Koa from 'koa';
         const app = new Koa();
         app.use((ctx) => {
           if (ctx.path === '/response') ctx.body = new Response('from a Response');
           else if (ctx.path === '/stream')
             ctx.body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('from a stream')); c.close(); } });
           else ctx.body = { plain: true };
         });
         const server = app.listen(0, '127.0.0.1');
         await new Promise((r) => server.once('listening', r));
         const base = 'http://127.0.0.1:' + server.address().port;
         const answers = [];
         for (const path of ['/response', '/stream', '/plain']) answers.push(await (await fetch(base + path)).text());
         server.close();
         console.log(JSON.stringify(answers));`,
      koaBodyChecks as Plugin,
    );
    expect(JSON.parse(run(script))).toEqual(['from a Response', 'from a stream', '{"plain":true}']);
  });
});

describe("oidc-provider's list formats made on first use", () => {
  it('formats error lists exactly as the original module does', async () => {
    const file = resolve('node_modules/oidc-provider/lib/helpers/formatters.js');
    const cases = `[['nonce'], ['nonce', 'state'], ['a', 'b', 'c']].flatMap((list) =>
      ['conjunction', 'disjunction'].map((type) => formatList(list, { type })))`;
    const script = await bundle(
      'formatters',
      `import { formatList } from ${JSON.stringify(file)};
       console.log(JSON.stringify(${cases}));`,
      listFormatsOnFirstUse as Plugin,
    );
    const original = (await import(pathToFileURL(file).href)) as {
      formatList(list: string[], options?: { type?: string }): string;
    };
    const expected = [['nonce'], ['nonce', 'state'], ['a', 'b', 'c']].flatMap((list) =>
      ['conjunction', 'disjunction'].map((type) => original.formatList(list, { type })),
    );
    expect(expected).toContain("'a', 'b', or 'c'");
    expect(JSON.parse(run(script))).toEqual(expected);
  });
});

describe('a dependency that changed', () => {
  it('fails the build instead of being bundled unrewritten', async () => {
    const dir = join(out, 'changed', 'node_modules', 'koa', 'lib');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'application.js'), 'module.exports = class Application {};\n');
    await expect(
      build({
        entryPoints: [join(dir, 'application.js')],
        bundle: true,
        write: false,
        platform: 'node',
        logLevel: 'silent',
        plugins: [koaBodyChecks as Plugin],
      }),
    ).rejects.toThrow(/expected 2 matches .* found 0; the dependency changed/);
  });
});
