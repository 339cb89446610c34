/**
 * The start-up banner: where everything is, and every client and user to sign in as. Seed
 * values are printed without control characters, so a seed cannot retitle or clear the
 * terminal it is shown in.
 */
import type { Seed } from '../../seed/schema.js';
import { pathFor } from '../okta/index.js';

// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const unprintable = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const printable = (value: string) => value.replace(unprintable, '');

export function renderBanner(
  issuers: ReadonlyMap<string, string>,
  seed: Seed,
  info: {
    listening: string;
    dataDir: string;
    seedPath: string;
    caPath?: string | undefined;
    controlUrl?: string | undefined;
    /** The version of Okta's Sign-In Widget when it is the hosted page. */
    signInWidget?: string | undefined;
  },
): string {
  const lines = ['', 'Understudy is running: a local stand-in for Okta', ''];
  const p = printable;
  const row = (label: string, value: string) => `  ${label.padEnd(20)}${value}`;
  for (const [id, issuer] of issuers) {
    lines.push(row(`issuer (${id})`, issuer));
    lines.push(row('discovery', `${issuer}${pathFor('discovery')}`));
  }
  const [firstIssuer] = issuers.values();
  if (firstIssuer) {
    lines.push(
      row('org (/api/v1)', `${new URL(firstIssuer).origin}  (orgUrl for okta-sdk-nodejs)`),
    );
  }
  for (const token of seed.apiTokens) {
    lines.push(row(`API token (${p(token.name)})`, `SSWS ${p(token.token)}`));
  }
  lines.push(row('listening on', info.listening));
  lines.push(row('seed', info.seedPath));
  lines.push(row('keys', info.dataDir));
  if (info.controlUrl) lines.push(row('control API', info.controlUrl));
  if (info.signInWidget) {
    lines.push(row('sign-in page', `Okta's Sign-In Widget ${info.signInWidget}`));
  }
  if (info.caPath) {
    lines.push(
      '',
      '  HTTPS uses a local CA. Give your Node app this line so it trusts it:',
      `    NODE_EXTRA_CA_CERTS=${info.caPath}`,
    );
  }
  lines.push('', '  clients');
  for (const client of seed.clients) {
    lines.push(`    ${client.client_id}  ${p(client.client_name)}`);
    const details = [
      client.client_secret ? `secret ${client.client_secret}` : 'public (no secret)',
      client.grant_types.join(', '),
    ];
    lines.push(`      ${details.join(' · ')}`);
    for (const uri of client.redirect_uris) lines.push(`      redirect ${p(uri)}`);
  }
  lines.push(
    '',
    info.signInWidget
      ? '  users (sign in with login + password)'
      : '  users (sign in with the picker, or login + password)',
  );
  for (const user of seed.users) {
    const groups = user.groups.length ? ` [${user.groups.join(', ')}]` : '';
    const status = user.status === 'ACTIVE' ? '' : ` (${user.status})`;
    const password = user.password === undefined ? '(no password)' : p(user.password);
    lines.push(`    ${p(user.login).padEnd(34)} ${password}${groups}${status}`);
    for (const authenticator of user.authenticators) {
      if (authenticator.key === 'google_otp') {
        lines.push(`      Google Authenticator secret ${p(authenticator.secret)}`);
      } else if (authenticator.key === 'okta_email') {
        lines.push(`      email codes to ${p(authenticator.email ?? user.email)} (the outbox)`);
      } else {
        lines.push(`      SMS codes to ${p(authenticator.phoneNumber)} (the outbox)`);
      }
    }
  }
  lines.push('');
  return lines.join('\n');
}
