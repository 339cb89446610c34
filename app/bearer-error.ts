/**
 * The API's refusals of a bearer token, with the error codes and challenge of RFC 6750 §3.
 * The error boundary answers them: this status, this WWW-Authenticate header, and the JSON
 * body `{ error, error_description }`.
 *
 * insufficient_authentication_context is Okta's step-up challenge: 403 with the `acr_values`
 * (and optionally `max_age`) the client should ask the authorization server for, as Okta's
 * own APIs send it and @okta/okta-auth-js recognises it. (RFC 9470 names the same idea
 * insufficient_user_authentication, with a 401.)
 */
import { HttpError } from './http-error.js';

export type BearerErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_authentication_context';

const statusFor = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  insufficient_authentication_context: 403,
} as const;

export class BearerError extends HttpError {
  override name = 'BearerError';
  /**
   * The RFC 6750 code; undefined for a request with no credentials at all, which gets a bare
   * challenge (§3.1: no error code or other error information then).
   */
  readonly bearerCode: BearerErrorCode | undefined;
  readonly realm: string;
  /** The scope the resource needs; the challenge carries it for insufficient_scope. */
  readonly scope: string | undefined;
  /** The acr the resource needs; insufficient_authentication_context's challenge carries it. */
  readonly acrValues: string | undefined;

  constructor(
    bearerCode: BearerErrorCode | undefined,
    description: string,
    options: { realm: string; scope?: string; acrValues?: string; cause?: unknown },
  ) {
    super(bearerCode ? statusFor[bearerCode] : 401, bearerCode ?? 'unauthorized', description, {
      cause: options.cause,
    });
    this.bearerCode = bearerCode;
    this.realm = options.realm;
    this.scope = options.scope;
    this.acrValues = options.acrValues;
  }

  /** The WWW-Authenticate header value. */
  challenge(): string {
    const parts = [`realm="${quotable(this.realm)}"`];
    if (this.bearerCode) {
      parts.push(`error="${this.bearerCode}"`, `error_description="${quotable(this.message)}"`);
      if (this.bearerCode === 'insufficient_scope' && this.scope) {
        parts.push(`scope="${quotable(this.scope)}"`);
      }
      if (this.bearerCode === 'insufficient_authentication_context' && this.acrValues) {
        parts.push(`acr_values="${quotable(this.acrValues)}"`);
      }
    }
    return `Bearer ${parts.join(', ')}`;
  }
}

/** RFC 6750 §3 allows printable ASCII in these values, except the quote and the backslash. */
function quotable(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}
