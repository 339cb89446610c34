/**
 * Okta's built-in group of every user. A seed need not list it, and may name it in a user's
 * groups (every user is in it) or declare it (to give it a description or an id).
 */
export const everyoneGroupName = 'Everyone';

export function isEveryone(name: string): boolean {
  return name.toLowerCase() === 'everyone';
}
