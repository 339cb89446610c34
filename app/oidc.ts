/**
 * The app's one openid-client Configuration: discovered once at start-up, retried while the
 * provider is not up yet, then cached and reused by every request. close() stops the retry, so
 * an app shutting down while its provider is down leaves no timer or request behind.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet } from 'jose';
import * as client from 'openid-client';
import { HttpError } from './http-error.js';

export interface Oidc {
  /** Resolves once discovery has succeeded; never fetches again after that. */
  configuration(): Promise<client.Configuration>;
  /** The provider's signing keys (from its jwks_uri), cached by jose. */
  keys(): Promise<ReturnType<typeof createRemoteJWKSet>>;
  /**
   * For shutting down: stops the discovery retry (a request waiting for it gets a 503) and
   * aborts any request still in flight at the provider through the configuration.
   */
  close(): void;
}

export function createOidc(settings: {
  issuer: string;
  clientId: string;
  clientSecret: string;
  log?: (message: string) => void;
  /** How long a request waits for discovery before a 503; default 10 s. */
  waitMs?: number;
}): Oidc {
  const log = settings.log ?? ((message: string) => console.warn(message));
  const closing = new AbortController();
  // What goes through the configuration, the discovery attempts included, ends at close().
  const closable: client.CustomFetch = (url, options) =>
    fetch(url, {
      ...options,
      signal: options.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal,
    });
  const stopped = () =>
    new HttpError(
      503,
      'provider_unavailable',
      `The app is shutting down; it stopped waiting for the identity provider at ${settings.issuer}.`,
    );
  let keySet: ReturnType<typeof createRemoteJWKSet> | undefined;
  const discovered = (async () => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const issuer = new URL(settings.issuer);
        return await client.discovery(
          issuer,
          settings.clientId,
          undefined,
          client.ClientSecretBasic(settings.clientSecret),
          {
            [client.customFetch]: closable,
            timeout: 5,
            // Only a plain-http issuer (a local Understudy) needs this; https issuers never do.
            ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
          },
        );
      } catch (error) {
        if (closing.signal.aborted) throw stopped();
        if (attempt === 1 || attempt % 20 === 0) {
          log(
            `demo app: waiting for the provider at ${settings.issuer} (${(error as Error).message})`,
          );
        }
        // Aborted by close(): the wait's timer is cleared, and the loop ends here.
        await sleep(Math.min(250 * attempt, 2000), undefined, { signal: closing.signal }).catch(
          () => {
            throw stopped();
          },
        );
      }
    }
  })();
  // Nobody may be waiting when close() stops discovery: that is not an unhandled rejection.
  discovered.catch(() => undefined);

  return {
    async configuration() {
      // Requests wait for discovery a little, then get a clear 503 instead of hanging.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new HttpError(
                503,
                'provider_unavailable',
                `The identity provider at ${settings.issuer} is not answering discovery yet.`,
              ),
            ),
          settings.waitMs ?? 10_000,
        );
      });
      try {
        return await Promise.race([discovered, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async keys() {
      if (!keySet) {
        const { jwks_uri } = (await this.configuration()).serverMetadata();
        if (!jwks_uri) throw new Error('the provider publishes no jwks_uri');
        keySet = createRemoteJWKSet(new URL(jwks_uri));
      }
      return keySet;
    },
    close() {
      closing.abort();
    },
  };
}
