/**
 * Runs the compiled `understudy` CLI as a child process, the way users and CI run it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/bin/understudy.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  issuer: string;
  stdout: () => string;
  stop(): Promise<number | null>;
}

function spawnCli(args: string[]) {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  return { child, output };
}

/** Runs the CLI to completion (for the cases that must exit). */
export function runCli(args: string[], timeoutMs = 10_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const { child, output } = spawnCli(args);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`understudy ${args.join(' ')} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ...output });
    });
  });
}

/** Starts the CLI and resolves once the banner has printed the issuer. */
export function startCli(args: string[], timeoutMs = 10_000): Promise<RunningCli> {
  return new Promise((resolve, reject) => {
    const { child, output } = spawnCli(args);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`understudy did not start within ${timeoutMs} ms:\n${output.stderr}`));
    }, timeoutMs);
    const stop = () =>
      new Promise<number | null>((done) => {
        if (child.exitCode !== null) return done(child.exitCode);
        child.once('exit', (code) => done(code));
        child.kill('SIGTERM');
      });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`understudy exited with ${code}:\n${output.stderr}`));
    });
    child.stdout.on('data', () => {
      const issuer = /issuer \(default\)\s+(\S+)/.exec(output.stdout)?.[1];
      if (issuer && output.stdout.includes('users')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, issuer, stdout: () => output.stdout, stop });
      }
    });
  });
}
