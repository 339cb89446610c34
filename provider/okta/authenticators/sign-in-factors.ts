/**
 * Okta's factors and policy as the sign-in step asks for them (interactions/sign-in-factors.ts):
 * the client's policy and the request's acr_values decide what is still needed.
 */
import type { SeedClient } from '../../../seed/schema.js';
import type { SignInFactors } from '../../interactions/sign-in-factors.js';
import type { CodeChallenges } from './challenges.js';
import { amrOf, destination, factors, isSecondFactor } from './factors.js';
import { nextStep, requirement } from './policy.js';

export function signInFactors(options: {
  clients: ReadonlyMap<string, SeedClient>;
  challenges: CodeChallenges;
}): SignInFactors {
  const need = (clientId: string, acrValues: unknown) =>
    requirement(options.clients.get(clientId)?.authenticationPolicy ?? '1fa', acrValues);
  return {
    assess(clientId, acrValues, user, amr) {
      const required = need(clientId, acrValues);
      return { next: nextStep(required, user, amr), acr: required.acr };
    },
    unmeetable: (clientId, acrValues) => need(clientId, acrValues).factors === 'unmeetable',
    choices: (user) =>
      user.authenticators.map((authenticator) => ({
        key: authenticator.key,
        ...factors[authenticator.key],
        to: factors[authenticator.key].sends ? destination(user, authenticator) : undefined,
      })),
    amrValue: (key) => (isSecondFactor(key) ? factors[key].amr : undefined),
    amrOf,
    send: async (challenge, user, key) => {
      if (isSecondFactor(key)) await options.challenges.send(challenge, user, key);
    },
    verify: async (challenge, user, key, code) =>
      isSecondFactor(key) && options.challenges.verify(challenge, user, key, code),
  };
}
