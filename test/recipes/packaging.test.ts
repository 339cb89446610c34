/**
 * What users install is what we test: the packed tarball goes into a fresh project, and the
 * README's recipes run there exactly as written (exports, types, bin, seed schema, vitest
 * globalSetup, Playwright webServer with the sign-in helper in real Chromium, a CI step).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, chromiumPath } from '../helpers/chromium.js';
import { writeOfflineProject } from '../helpers/offline-install.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'understudy-recipes-'));
// A clean environment (no vitest worker or npm script settings), the project's Node first;
// npm's cache stays the one this run's `npm ci` filled, which the offline install reads.
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) =>
      name === 'npm_config_cache' || !/^(npm_|VITEST|NODE_OPTIONS$|NODE_ENV$|TEST$)/.test(name),
  ),
);
const env = {
  ...inherited,
  PATH: `${dirname(process.execPath)}:${join(project, 'node_modules/.bin')}:${process.env.PATH}`,
  CHROMIUM_PATH: chromiumPath,
  CI: '',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

function run(command: string, args: string[], timeout = 120_000) {
  const result = spawnSync(command, args, { cwd: project, env, encoding: 'utf8', timeout });
  return {
    code: result.status,
    signal: result.signal,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`,
  };
}

/** The code blocks of the README and the test kit's page that start with a "file:" comment. */
function readmeFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const page of ['README.md', 'docs/test-kit.md']) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const match of text.matchAll(/```(?:ts|js|sh)\n(?:\/\/|#) file: (\S+)\n([\s\S]*?)```/g)) {
      files.set(match[1] ?? '', match[2] ?? '');
    }
  }
  return files;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/bin/understudy.js')))
    throw new Error('run `npm run build` first');
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop();
  writeOfflineProject(root, project, join(project, tarball ?? ''), [
    'vitest',
    '@playwright/test',
    '@types/node',
  ]);
  const flags = ['--no-audit', '--no-fund', '--loglevel=error'];
  // From the cache `npm ci` filled for this repository: no registry, so no cold-cache wait.
  let install = run('npm', ['ci', '--offline', ...flags]);
  if (install.code !== 0) {
    console.warn(
      `packaging test: the offline install failed, installing from the registry:\n${install.output}`,
    );
    install = run('npm', ['ci', ...flags], 600_000);
  }
  if (install.code !== 0)
    throw new Error(`npm ci failed (${install.code}, ${install.signal}):\n${install.output}`);
  for (const [name, content] of readmeFiles()) writeFileSync(join(project, name), content);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2024',
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['*.ts'],
    }),
  );
}, 720_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed package', () => {
  it('exports the test kit, with types, and ships the bin and the seed schema', () => {
    const installed = join(project, 'node_modules/oidc-understudy');
    const exported = run('node', [
      '--input-type=module',
      '-e',
      "const kit = await import('oidc-understudy'); console.log(Object.keys(kit).sort().join(','))",
    ]);
    expect(exported.output).toContain('startUnderstudy');
    expect(exported.output).toContain('signInWithPage');
    expect(existsSync(join(installed, 'dist/provider/testkit/index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'seed/seed.schema.json'))).toBe(true);
    expect(existsSync(join(installed, 'seed/default.json'))).toBe(true);
    const help = run(join(project, 'node_modules/.bin/understudy'), ['--help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain('Usage: understudy');
    const schema = run('node', ['-p', "require.resolve('oidc-understudy/seed.schema.json')"]);
    expect(schema.code).toBe(0);
  });

  it('names the package to install when the hosted widget is asked for without it', () => {
    // The Sign-In Widget is an optional peer dependency: a plain install does not have it.
    expect(existsSync(join(project, 'node_modules/@okta/okta-signin-widget'))).toBe(false);
    const dataDir = mkdtempSync(join(tmpdir(), 'understudy-recipes-data-'));
    const bin = run(join(project, 'node_modules/.bin/understudy'), [
      '--sign-in-widget',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ]);
    rmSync(dataDir, { recursive: true, force: true });
    expect(bin.code).toBe(1);
    expect(bin.output).toContain('npm install @okta/okta-signin-widget@7');
  });

  it('exports the bundled kit; kit and bin take their own seed as validated at build time', () => {
    const installed = join(project, 'node_modules/oidc-understudy');
    const resolved = run('node', [
      '--input-type=module',
      '-e',
      "console.log(import.meta.resolve('oidc-understudy'))",
    ]);
    expect(resolved.output.trim()).toBe(`file://${installed}/dist/bin/kit.js`);
    // The shipped cache, with the org renamed: a start that validated the seed file itself
    // would show the seed's own name.
    const cacheFile = join(installed, 'dist/bin/validated-seed.json');
    const shipped = readFileSync(cacheFile, 'utf8');
    const cache = JSON.parse(shipped);
    const ownName = cache.seed.org.name;
    cache.seed.org.name = 'Validated at build time';
    cache.seed.clients[0].client_name = 'Client validated at build time';
    writeFileSync(cacheFile, JSON.stringify(cache));
    try {
      const started = run('node', [
        '--input-type=module',
        '-e',
        [
          "const { startUnderstudy } = await import('oidc-understudy');",
          'const fromDefault = await startUnderstudy();',
          'console.log(`default: ${fromDefault.seed.org.name}`);',
          'await fromDefault.close();',
          "const { readFileSync } = await import('node:fs');",
          "const ownSeed = readFileSync(new URL(import.meta.resolve('oidc-understudy/seed/default.json')), 'utf8');",
          'const fromObject = await startUnderstudy({ seed: JSON.parse(ownSeed) });',
          'console.log(`object: ${fromObject.seed.org.name}`);',
          'await fromObject.close();',
        ].join('\n'),
      ]);
      expect(started.output).toContain('default: Validated at build time');
      // A seed of the user's own is validated as it always was.
      expect(started.output).toContain(`object: ${ownName}`);
      expect(started.code).toBe(0);
      // The bin's first start, in a data directory with no cache of its own yet.
      const dataDir = mkdtempSync(join(tmpdir(), 'understudy-recipes-data-'));
      // Stopped by spawnSync's timeout once it has had time to print its banner.
      const bin = run(
        join(project, 'node_modules/.bin/understudy'),
        ['--port', '0', '--data-dir', dataDir],
        4_000,
      );
      rmSync(dataDir, { recursive: true, force: true });
      expect(bin.output).toContain('Client validated at build time');
    } finally {
      writeFileSync(cacheFile, shipped);
    }
  });

  it('type-checks the README recipes against the shipped .d.ts files', () => {
    const tsc = run(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'),
      '-p',
      project,
    ]);
    expect(tsc.output).toBe('');
    expect(tsc.code).toBe(0);
  });
});

describe('README recipes', () => {
  it('vitest globalSetup, the in-process kit and MFA', () => {
    const result = run('node', [
      'node_modules/vitest/vitest.mjs',
      'run',
      'login.test.ts',
      'kit.test.ts',
      'mfa.test.ts',
    ]);
    expect(result.output).toMatch(/Tests\s+3 passed/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('node:test', () => {
    const result = run('node', ['--test', '--test-reporter=tap', 'node-test.test.mjs']);
    expect(result.output).toMatch(/# pass 1/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('a CI step with --ready-file', () => {
    const result = run('bash', ['ci-step.sh'], 30_000);
    expect(result.output).toContain('ready: http://localhost:4020/oauth2/default');
    expect(result.code).toBe(0);
  }, 60_000);

  it.runIf(chromiumAvailable())(
    'Playwright webServer and signInWithPage in real Chromium',
    () => {
      const result = run('node', [
        'node_modules/@playwright/test/cli.js',
        'test',
        '--reporter=line',
      ]);
      expect(result.output).toMatch(/1 passed/);
      expect(result.code).toBe(0);
    },
    120_000,
  );
});
