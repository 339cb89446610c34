#!/usr/bin/env node
/**
 * `node dist/app/main.js`: the demo app alone (npm start runs it with the provider).
 */
import { AppConfigError } from './config.js';
import { startApp } from './server.js';

try {
  const app = await startApp();
  console.log(`Expense dashboard (demo app): ${app.url}`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(
    `demo app: ${error instanceof AppConfigError ? error.message : (error as Error).message}`,
  );
  process.exitCode = 1;
}
