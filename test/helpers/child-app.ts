/**
 * Runs a client app (a small script using a real client library) in its own process, with
 * only environment variables to point it at Understudy, as users configure theirs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface ChildApp {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago, for apps whose redirect URIs must be seeded first. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const compatApp = (name: string) =>
  fileURLToPath(new URL(`../compat/apps/${name}.mjs`, import.meta.url));

/** Starts the script and waits for it to print "listening". */
export function startChildApp(
  script: string,
  env: Record<string, string>,
  port: number,
  timeoutMs = 15_000,
): Promise<ChildApp> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('listening')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({
          url: `http://localhost:${port}`,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
}

/** Runs a script to completion and returns what it printed on stdout. */
export function runChildScript(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited with ${code}:\n${stderr}`)),
    );
  });
}
