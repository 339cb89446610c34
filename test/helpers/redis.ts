/**
 * A real redis-server (Debian's) on a free loopback port for one test file: locally a loud
 * skip when it is not installed, in CI (REQUIRE_REDIS=1, set by .ci/run) a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freePort } from './child-app.js';

export const redisServerPath = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

export function redisAvailable(): boolean {
  if (existsSync(redisServerPath)) return true;
  if (process.env.REQUIRE_REDIS === '1') {
    throw new Error(
      `redis-server is required (REQUIRE_REDIS=1) but ${redisServerPath} does not exist`,
    );
  }
  console.warn(
    `\n*** SKIPPING Redis tests: no redis-server at ${redisServerPath}. ` +
      "Install Debian's redis-server or set REDIS_SERVER_PATH. ***\n",
  );
  return false;
}

/** On a free port, or on `port` again (to bring a stopped one back). */
export async function startRedis(
  port?: number,
): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  port ??= await freePort();
  const child: ChildProcess = spawn(
    redisServerPath,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  for (let attempt = 0; ; attempt += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (attempt > 100 || child.exitCode !== null) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
