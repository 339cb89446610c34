/**
 * oidc-provider validates static clients on first use; do it up front so a seed client it
 * refuses stops start-up with the seed path instead of failing the first login.
 */
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';
import { SeedError } from '../../seed/errors.js';
import type { Seed } from '../../seed/schema.js';

export async function assertClientsAccepted(
  providers: ReadonlyMap<string, Provider>,
  seed: Seed,
  source: string,
): Promise<void> {
  const problems: string[] = [];
  for (const provider of providers.values()) {
    for (const [index, client] of seed.clients.entries()) {
      try {
        await provider.Client.find(client.client_id);
      } catch (error) {
        const problem =
          error instanceof errors.OIDCProviderError
            ? (error.error_description ?? error.message)
            : (error as Error).message;
        problems.push(`clients[${index}]: ${problem}`);
      }
    }
    if (problems.length) throw new SeedError(source, problems);
  }
}
