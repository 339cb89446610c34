/**
 * `understudy keys list` and `understudy keys rotate`: the signing keys in a data directory
 * and their state. A running Understudy on that directory picks a rotation up by itself.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { UsageError } from '../config.js';
import {
  generateSigningKey,
  type KeyMaterial,
  keyFilePath,
  loadOrCreateKeys,
  pruneKeys,
  readKeyFile,
  rotateKeys,
  writeKeyFile,
} from '../oidc/keys.js';
import { keyRetentionSeconds } from './listen.js';

export const keysUsage = `Usage: understudy keys <list|rotate> [--data-dir <path>]

  list     the signing keys in the data directory: which one signs, and until when each
           retired one stays published (until the last token it signed has expired)
  rotate   add a new signing key; the one signing until now is retired, and stays published
           ${keyRetentionSeconds} s (the longest a token lives); a running Understudy on the
           same data directory switches within a second`;

export async function keysCommand(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  const [verb, ...rest] = argv;
  let dataDir: string;
  try {
    const { values } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help || verb === undefined || verb === '--help' || verb === '-h') {
      console.log(keysUsage);
      return 0;
    }
    if (verb !== 'list' && verb !== 'rotate')
      throw new UsageError(`unknown keys command "${verb}"`);
    dataDir = resolve(cwd, values['data-dir'] ?? '.understudy');
  } catch (error) {
    console.error(
      `understudy: ${(error as Error).message.split('\n')[0]} (see understudy keys --help)`,
    );
    return 2;
  }

  if (verb === 'list') {
    const material = await readKeyFile(dataDir);
    if (!material) {
      console.error(
        `understudy: no keys in ${keyFilePath(dataDir)} yet (they are made at the first start)`,
      );
      return 1;
    }
    console.log(describeKeys(pruneKeys(material, keyRetentionSeconds)));
    return 0;
  }
  const current = await loadOrCreateKeys(dataDir);
  const rotated = rotateKeys(current, await generateSigningKey(), keyRetentionSeconds);
  await writeKeyFile(dataDir, rotated);
  console.log(describeKeys(rotated));
  return 0;
}

function describeKeys(material: KeyMaterial): string {
  const iso = (seconds: number | undefined) =>
    seconds === undefined ? '-' : new Date(seconds * 1000).toISOString().replace('.000', '');
  const rows = material.signingKeys.map((key) => [
    key.kid,
    key.retiredAt === undefined
      ? 'signing'
      : `retired, published until ${iso(key.retiredAt + keyRetentionSeconds)}`,
    iso(key.createdAt),
  ]);
  const header = ['kid', 'state', 'created'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
