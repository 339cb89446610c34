/**
 * A local certificate authority and a leaf certificate for localhost, for `--https`. Okta's own
 * Node SDKs refuse http:// issuers, so an unmodified app needs HTTPS it can trust through
 * NODE_EXTRA_CA_CERTS alone. The CA is made once and kept; the leaf is renewed when it nears
 * expiry, so a CA the user trusted stays trusted.
 */
import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface TlsMaterial {
  /** The CA certificate to give clients: NODE_EXTRA_CA_CERTS=<caPath>. */
  readonly caPath: string;
  readonly key: string;
  readonly cert: string;
}

const files = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  cert: 'localhost.pem',
  key: 'localhost-key.pem',
};
const day = 24 * 3600 * 1000;
export const defaultTlsHosts = ['localhost', '127.0.0.1', '::1'];

export async function loadOrCreateTls(
  dataDir: string,
  hosts: readonly string[] = defaultTlsHosts,
): Promise<TlsMaterial> {
  const path = (name: keyof typeof files) => join(dataDir, files[name]);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  let ca = await readPair(path('caCert'), path('caKey'));
  if (!ca || expiresWithin(ca.cert, 30)) {
    ca = await createCa();
    await writeFile(path('caKey'), ca.key, { mode: 0o600 });
    await writeFile(path('caCert'), ca.cert);
  }
  let leaf = await readPair(path('cert'), path('key'));
  if (
    !leaf ||
    expiresWithin(leaf.cert, 7) ||
    !coversHosts(leaf.cert, hosts) ||
    !issuedBy(leaf.cert, ca.cert)
  ) {
    leaf = await createLeaf(ca, hosts);
    await writeFile(path('key'), leaf.key, { mode: 0o600 });
    await writeFile(path('cert'), leaf.cert);
  }
  return Object.freeze({ caPath: path('caCert'), key: leaf.key, cert: leaf.cert });
}

interface Pair {
  cert: string;
  key: string;
}

async function readPair(certPath: string, keyPath: string): Promise<Pair | undefined> {
  try {
    return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  } catch {
    return undefined;
  }
}

function expiresWithin(pem: string, days: number): boolean {
  return new Date(new X509Certificate(pem).validTo).getTime() - Date.now() < days * day;
}

function coversHosts(pem: string, hosts: readonly string[]): boolean {
  const certificate = new X509Certificate(pem);
  return hosts.every((host) =>
    isIP(host)
      ? certificate.checkIP(host) !== undefined
      : certificate.checkHost(host) !== undefined,
  );
}

function issuedBy(pem: string, caPem: string): boolean {
  return new X509Certificate(pem).verify(new X509Certificate(caPem).publicKey);
}

async function newRsaKey() {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
  });
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    forgePrivate: forge.pki.privateKeyFromPem(
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    ),
    forgePublic: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ),
  };
}

function newCertificate(publicKey: forge.pki.PublicKey, validDays: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: clear the top bit of 16 random bytes.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + validDays * day);
  return cert;
}

async function createCa(): Promise<Pair> {
  const key = await newRsaKey();
  const cert = newCertificate(key.forgePublic, 3650);
  const subject = [
    { name: 'commonName', value: 'Understudy local CA' },
    { name: 'organizationName', value: 'Understudy (development only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgePrivate, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}

async function createLeaf(ca: Pair, hosts: readonly string[]): Promise<Pair> {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const caKey = forge.pki.privateKeyFromPem(ca.key);
  const key = await newRsaKey();
  // Browsers refuse server certificates valid for more than 398 days.
  const cert = newCertificate(key.forgePublic, 397);
  cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((host) =>
        isIP(host) ? { type: 7, ip: host } : { type: 2, value: host },
      ),
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: key.pem };
}
