/**
 * `npm start`: Understudy with the default seed, and the demo app signing in against it.
 */
import { startApp } from './app/server.js';

await import('./provider/main/cli.js');
if (!process.exitCode) {
  const app = await startApp();
  console.log(`  Expense dashboard (demo app): ${app.url}\n`);
}
