/**
 * Signing keys and cookie secrets, generated once and kept in the data directory so tokens,
 * id_token_hint and browser sessions stay valid across restarts; and the keys' lifecycle as
 * Okta runs it: a rotation adds a key that signs from then on, and each retired key stays
 * published until the last token it signed has expired, however many rotations come after.
 */
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SigningJwk {
  kty: 'RSA';
  kid: string;
  use: 'sig';
  alg: 'RS256';
  n: string;
  e: string;
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
  /** Epoch seconds; not part of the JWK on the wire. */
  createdAt?: number;
  /** When it stopped signing (epoch seconds); absent for the key that signs. */
  retiredAt?: number;
}

export interface KeyMaterial {
  /** Private keys; the first one signs. */
  readonly signingKeys: readonly SigningJwk[];
  /** Keygrip secrets for cookie signatures; the first one signs. */
  readonly cookieSecrets: readonly string[];
}

const fileName = 'keys.json';

export function keyFilePath(dataDir: string): string {
  return join(dataDir, fileName);
}

/** The key file, or undefined if there is none yet. */
export async function readKeyFile(dataDir: string): Promise<KeyMaterial | undefined> {
  const file = keyFilePath(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw cause;
  }
  return Object.freeze(parseKeyFile(text, file));
}

/** A first signing key and cookie secret. */
export async function newKeyMaterial(): Promise<KeyMaterial> {
  return { signingKeys: [await generateSigningKey()], cookieSecrets: [randomSecret()] };
}

export async function loadOrCreateKeys(dataDir: string): Promise<KeyMaterial> {
  const existing = await readKeyFile(dataDir);
  if (existing) return existing;
  const material = await newKeyMaterial();
  // Two instances starting on one data directory: the first file written wins, and the
  // other uses it, so both sign with the same key and read each other's cookies.
  if (await writeKeyFile(dataDir, material, { exclusive: true })) return Object.freeze(material);
  return (await readKeyFile(dataDir)) ?? Object.freeze(material);
}

/**
 * A new signing key first; the one that signed until now retired; keys retired longer ago
 * than `retentionSeconds` (the longest a signed token lives) dropped.
 */
export function rotateKeys(
  material: KeyMaterial,
  key: SigningJwk,
  retentionSeconds: number,
  now = Math.floor(Date.now() / 1000),
): KeyMaterial {
  const retired = material.signingKeys.map((old) =>
    old.retiredAt ? old : { ...old, retiredAt: now },
  );
  return pruneKeys({ ...material, signingKeys: [key, ...retired] }, retentionSeconds, now);
}

/** Without the retired keys whose tokens have all expired. */
export function pruneKeys(
  material: KeyMaterial,
  retentionSeconds: number,
  now = Math.floor(Date.now() / 1000),
): KeyMaterial {
  const signingKeys = material.signingKeys.filter(
    (key) => key.retiredAt === undefined || key.retiredAt + retentionSeconds > now,
  );
  return { ...material, signingKeys };
}

/** When the next retired key is due to be dropped (epoch seconds), if any is retired. */
export function nextKeyExpiry(material: KeyMaterial, retentionSeconds: number): number | undefined {
  const due = material.signingKeys
    .filter((key) => key.retiredAt !== undefined)
    .map((key) => (key.retiredAt ?? 0) + retentionSeconds);
  return due.length ? Math.min(...due) : undefined;
}

/** The JWK as oidc-provider and the wire know it: without our lifecycle fields. */
export function privateJwk(key: SigningJwk): Record<string, unknown> {
  const jwk: Record<string, unknown> = { ...key };
  delete jwk.createdAt;
  delete jwk.retiredAt;
  return jwk;
}

/** Writes the key file whole; `exclusive`: only if there is none, and says whether it did. */
export async function writeKeyFile(
  dataDir: string,
  material: KeyMaterial,
  { exclusive = false } = {},
): Promise<boolean> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = keyFilePath(dataDir);
  // Written aside, then moved into place, so no reader ever sees half a key file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(material, null, 2)}\n`, { mode: 0o600 });
  try {
    if (!exclusive) {
      await rename(temporary, file);
      return true;
    }
    // link() fails if the file exists: an atomic "create unless there is one".
    await link(temporary, file);
    return true;
  } catch (cause) {
    if (exclusive && (cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw cause;
  } finally {
    if (exclusive) await rm(temporary, { force: true });
  }
}

export async function generateSigningKey(): Promise<SigningJwk> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Omit<SigningJwk, 'kid' | 'use' | 'alg'>;
  return {
    ...jwk,
    kty: 'RSA',
    kid: rsaThumbprint(jwk),
    use: 'sig',
    alg: 'RS256',
    createdAt: Math.floor(Date.now() / 1000),
  };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url), the shape of Okta's 43-character kids. */
export function rsaThumbprint(jwk: { e: string; n: string }): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function publicJwk({ kty, kid, use, alg, n, e }: SigningJwk) {
  return { kty, alg, kid, use, e, n };
}

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function parseKeyFile(text: string, file: string): KeyMaterial {
  let parsed: Partial<KeyMaterial>;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not valid JSON; delete it to generate new keys`);
  }
  const { signingKeys, cookieSecrets } = parsed;
  const validKey = (key: Partial<SigningJwk>) =>
    key?.kty === 'RSA' && typeof key.kid === 'string' && typeof key.d === 'string';
  if (!Array.isArray(signingKeys) || signingKeys.length === 0 || !signingKeys.every(validKey)) {
    throw new Error(`${file}: signingKeys must be a non-empty list of private RSA JWKs`);
  }
  if (!Array.isArray(cookieSecrets) || cookieSecrets.length === 0) {
    throw new Error(`${file}: cookieSecrets must be a non-empty list`);
  }
  return { signingKeys, cookieSecrets };
}
