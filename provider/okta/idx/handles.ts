/**
 * The handles of an IDX sign-in (interaction handle, state handle) name the authorization
 * server the sign-in belongs to, so the org-level /idp/idx routes can hand each request to that
 * server's sign-ins. A state handle starts with "02", as Identity Engine's do: the Sign-In
 * Widget takes a token starting with "00" for a Classic Engine one.
 */
import { randomBytes } from 'node:crypto';

const handlePattern = /^02[A-Za-z0-9_-]{43}\.([A-Za-z0-9_-]{1,128})$/;

/** A new unguessable handle for a sign-in on authorization server `serverId`. */
export function newHandle(serverId: string): string {
  return `02${randomBytes(32).toString('base64url')}.${serverId}`;
}

/** The authorization server a handle names, when it is one of ours. */
export function serverOfHandle(handle: unknown): string | undefined {
  if (typeof handle !== 'string') return undefined;
  return handlePattern.exec(handle)?.[1];
}
