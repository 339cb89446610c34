/**
 * One local CA for the whole run. NODE_EXTRA_CA_CERTS is read when a process starts, so it is
 * set here, before vitest starts its workers, and every worker and child process trusts it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateTls } from '../provider/host/tls.js';

export default async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'understudy-test-ca-'));
  const tls = await loadOrCreateTls(dir);
  process.env.UNDERSTUDY_TEST_TLS_DIR = dir;
  process.env.NODE_EXTRA_CA_CERTS = tls.caPath;
  return () => rmSync(dir, { recursive: true, force: true });
}
