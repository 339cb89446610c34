/**
 * `npm start`: Understudy with the default seed, and the demo app signing in against it.
 */
import { startApp } from './app/server.js';
import { main } from './provider/main/cli.js';

process.exitCode = await main(process.argv.slice(2));
if (!process.exitCode) {
  const app = await startApp();
  console.log(`  Expense dashboard (demo app): ${app.url}\n`);
}
