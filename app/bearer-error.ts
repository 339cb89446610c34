/**
 * The API's refusals of a bearer token, with the error codes and challenge of RFC 6750 §3.
 * The error boundary answers them: this status, this WWW-Authenticate header, and the JSON
 * body `{ error, error_description }`.
 */
import { HttpError } from './http-error.js';

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

const statusFor = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403 } as const;

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

  constructor(
    bearerCode: BearerErrorCode | undefined,
    description: string,
    options: { realm: string; scope?: string; cause?: unknown },
  ) {
    super(bearerCode ? statusFor[bearerCode] : 401, bearerCode ?? 'unauthorized', description, {
      cause: options.cause,
    });
    this.bearerCode = bearerCode;
    this.realm = options.realm;
    this.scope = options.scope;
  }

  /** The WWW-Authenticate header value. */
  challenge(): string {
    const parts = [`realm="${quotable(this.realm)}"`];
    if (this.bearerCode) {
      parts.push(`error="${this.bearerCode}"`, `error_description="${quotable(this.message)}"`);
      if (this.bearerCode === 'insufficient_scope' && this.scope) {
        parts.push(`scope="${quotable(this.scope)}"`);
      }
    }
    return `Bearer ${parts.join(', ')}`;
  }
}

/** RFC 6750 §3 allows printable ASCII in these values, except the quote and the backslash. */
function quotable(value: string): string {
  return value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '');
}
