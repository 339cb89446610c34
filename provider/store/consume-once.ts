/**
 * Spends a one-time entry (an interaction code, an mfa_token) with the store's consume, which
 * every store refuses a second time with oidc-provider's InvalidGrant: of two requests that
 * found it unspent, on one instance or several, only one gets true.
 */
import { type Adapter, errors } from 'oidc-provider';

export async function consumeOnce(adapter: Adapter, id: string): Promise<boolean> {
  try {
    await adapter.consume(id);
    return true;
  } catch (error) {
    if (error instanceof errors.InvalidGrant) return false;
    throw error;
  }
}
