/**
 * HTTP Basic client credentials (RFC 6749 §2.3.1: client id and secret, each form-encoded,
 * joined by a colon). Strict, as client authentication reads them; lenient, as Okta reads a
 * public client's header at /v1/revoke and /v1/introspect, where okta-auth-js sends
 * `base64(client_id)` with no colon at all.
 */
export interface BasicCredentials {
  id: string;
  /** Empty when the lenient form had no colon. */
  secret: string;
}

export function parseBasicCredentials(
  header: string,
  mode: 'strict' | 'lenient',
): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=._~-]+)$/i.exec(header.trim());
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return mode === 'lenient' ? { id: formDecode(decoded), secret: '' } : undefined;
  return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

// Un-encoded values (Okta's own SDKs send them so) decode unchanged.
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return value;
  }
}
