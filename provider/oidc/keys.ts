/**
 * Signing keys and cookie secrets, generated once and kept in the data directory so tokens,
 * id_token_hint and browser sessions stay valid across restarts.
 */
import { createHash, generateKeyPair, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
}

export interface KeyMaterial {
  /** Private keys; the first one signs. */
  readonly signingKeys: readonly SigningJwk[];
  /** Keygrip secrets for cookie signatures; the first one signs. */
  readonly cookieSecrets: readonly string[];
}

const fileName = 'keys.json';

export async function loadOrCreateKeys(dataDir: string): Promise<KeyMaterial> {
  const file = join(dataDir, fileName);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
  }
  if (text !== undefined) return Object.freeze(parseKeyFile(text, file));

  const material = { signingKeys: [await generateSigningKey()], cookieSecrets: [randomSecret()] };
  await writeKeyFile(dataDir, material);
  return Object.freeze(material);
}

export async function writeKeyFile(dataDir: string, material: KeyMaterial): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, fileName);
  // Write-then-rename so a crash never leaves a half-written key file behind.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(material, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, file);
}

export async function generateSigningKey(): Promise<SigningJwk> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Omit<SigningJwk, 'kid' | 'use' | 'alg'>;
  return { ...jwk, kty: 'RSA', kid: rsaThumbprint(jwk), use: 'sig', alg: 'RS256' };
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

function parseKeyFile(text: string, file: string): KeyMaterial {
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
