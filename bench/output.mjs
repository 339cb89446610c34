// Where the bench's figures go, and what each file says about the run that made it. The full
// run writes into bench/ (the files the lead commits); BENCH_QUICK=1 writes into a folder in the
// system's temporary directory instead, so a smoke test never leaves its figures in bench/.
// BENCH_OUT=<folder> chooses another. Every file is written as prettier formats it, so
// `prettier --check .` accepts it whether or not .prettierignore lists it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

const root = fileURLToPath(new URL('..', import.meta.url));
export const quick = process.env.BENCH_QUICK === '1';

export const outDir =
  process.env.BENCH_OUT ?? (quick ? join(tmpdir(), 'understudy-bench-quick') : join(root, 'bench'));
mkdirSync(outDir, { recursive: true });

/** The machine, Node, commit and time of a run, for the report to show beside its figures. */
export function runInfo() {
  let commit;
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root })
      .toString()
      .trim();
    // --no-optional-locks: a look that never takes the index lock from someone committing.
    const status = ['--no-optional-locks', 'status', '--porcelain', '--', 'provider', 'seed'];
    const dirty = execFileSync('git', [...status, 'tools', 'package.json'], { cwd: root })
      .toString()
      .trim();
    commit = dirty ? `${head} with uncommitted changes` : head;
  } catch {
    commit = undefined;
  }
  return {
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    node: process.version,
    commit,
    finishedAt: new Date().toISOString(),
    quick,
  };
}

async function formatted(file, text) {
  const options = (await prettier.resolveConfig(join(root, 'bench', 'x.md'))) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

export async function writeJson(name, data) {
  const file = join(outDir, name);
  writeFileSync(file, await formatted(file, JSON.stringify(data, null, 2)));
  return file;
}

export async function writeText(name, text) {
  const file = join(outDir, name);
  writeFileSync(file, await formatted(file, text));
  return file;
}

export function readJson(name) {
  const file = join(outDir, name);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}
