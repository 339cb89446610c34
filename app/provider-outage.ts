/**
 * The provider not answering (connection refused or reset, a timeout, DNS) is an outage, not a
 * bug: it gets a 503 page that says so and offers to try again, instead of a 500.
 */
import { HttpError } from './http-error.js';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

export function isProviderUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth += 1) {
    const { code, name, message, cause } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && networkCodes.has(code)) return true;
    // undici's fetch reports any network failure this way; openid-client's timeouts as these.
    if (name === 'TypeError' && message === 'fetch failed') return true;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    current = cause;
  }
  return false;
}

export function providerUnreachable(
  issuer: string,
  options: { cause?: unknown; retryUrl?: string; description?: string } = {},
): HttpError {
  return new HttpError(
    503,
    'provider_unreachable',
    options.description ?? `The identity provider at ${issuer} cannot be reached right now.`,
    options,
  );
}
