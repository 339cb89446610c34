/**
 * `understudy keys list` and `understudy keys rotate`: the signing keys in a data directory
 * (or in Redis) and their state. A running Understudy on the same store picks a rotation up
 * by itself.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRedisUrl, UsageError } from '../config.js';
import { generateSigningKey, type KeyMaterial, pruneKeys, rotateKeys } from '../oidc/keys.js';
import { keyRetentionSeconds } from './listen.js';
import { openStorage } from './open-storage.js';
import type { Storage } from './storage.js';

export const keysUsage = `Usage: understudy keys <list|rotate> [--data-dir <path> | --redis <url>]

  list     the signing keys: which one signs, and until when each retired one stays
           published (until the last token it signed has expired)
  rotate   add a new signing key; the one signing until now is retired, and stays published
           ${keyRetentionSeconds} s (the longest a token lives); a running Understudy on the
           same data directory or Redis switches within a second`;

export async function keysCommand(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  const [verb, ...rest] = argv;
  let dataDir: string;
  let redisUrl: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help || verb === undefined || verb === '--help' || verb === '-h') {
      console.log(keysUsage);
      return 0;
    }
    if (verb !== 'list' && verb !== 'rotate')
      throw new UsageError(`unknown keys command "${verb}"`);
    dataDir = resolve(cwd, values['data-dir'] ?? '.understudy');
    redisUrl = parseRedisUrl(values.redis ?? process.env.UNDERSTUDY_REDIS_URL);
  } catch (error) {
    console.error(
      `understudy: ${(error as Error).message.split('\n')[0]} (see understudy keys --help)`,
    );
    return 2;
  }

  let storage: Storage;
  try {
    storage = await openStorage({ dataDir, redisUrl });
  } catch (error) {
    console.error(`understudy: ${(error as Error).message}`);
    return 1;
  }
  try {
    if (verb === 'list') {
      const material = await storage.keys.read();
      if (!material) {
        console.error(
          `understudy: no keys in ${storage.where} yet (they are made at the first start)`,
        );
        return 1;
      }
      console.log(describeKeys(pruneKeys(material, keyRetentionSeconds)));
      return 0;
    }
    const current = await storage.keys.loadOrCreate();
    const rotated = rotateKeys(current, await generateSigningKey(), keyRetentionSeconds);
    await storage.keys.write(rotated);
    console.log(describeKeys(rotated));
    return 0;
  } finally {
    await storage.close();
  }
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
