/**
 * Finishes a pending authorization request from a page that is not its interaction: the hosted
 * Sign-In Widget ends its sign-in at Okta's /login/token/redirect, a path the interaction
 * cookie is not sent to, so `interactionFinished` (which finds the interaction by that cookie)
 * cannot be used. This does what it does (lib/provider.js interactionResult) for the
 * interaction found by its uid: the login result saved on it, and the resume URL to go to.
 * The browser still needs its resume cookie there, as after any sign-in page.
 */
import type Provider from 'oidc-provider';

export interface LoginResult {
  accountId: string;
  amr: string[];
  acr?: string | undefined;
  /** Epoch seconds: `auth_time`. */
  ts: number;
}

/** The resume URL of interaction `uid`, now carrying `login`; undefined when it has expired. */
export async function finishInteraction(
  provider: Provider,
  uid: string,
  login: LoginResult,
): Promise<string | undefined> {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction || interaction.result) return undefined;
  interaction.result = {
    login: {
      accountId: login.accountId,
      amr: login.amr,
      ...(login.acr === undefined ? {} : { acr: login.acr }),
      ts: login.ts,
      remember: true,
    },
  };
  const remaining = (interaction.exp ?? 0) - Math.floor(Date.now() / 1000);
  if (remaining <= 0) return undefined;
  await interaction.save(remaining);
  return interaction.returnTo;
}
