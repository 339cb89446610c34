/**
 * Okta's error shape for its APIs (and for paths under no authorization server):
 * `{ errorCode, errorSummary, errorLink, errorId, errorCauses }`, always JSON.
 */
import { UnderstudyError, type UnderstudyErrorOptions } from '../../http/errors.js';

export class OktaApiError extends UnderstudyError {
  override readonly jsonOnly = true;
  /** Okta's E-code, e.g. E0000007. */
  readonly errorCode: string;
  readonly errorCauses: readonly { errorSummary: string }[];

  constructor(
    status: number,
    errorCode: string,
    summary: string,
    options: UnderstudyErrorOptions & { causes?: readonly string[] } = {},
  ) {
    super(status, status === 401 ? 'invalid_client' : 'invalid_request', summary, options);
    this.errorCode = errorCode;
    this.errorCauses = (options.causes ?? []).map((errorSummary) => ({ errorSummary }));
  }

  override body(): Record<string, unknown> {
    return {
      errorCode: this.errorCode,
      errorSummary: this.message,
      errorLink: this.errorCode,
      errorId: 'understudy',
      errorCauses: this.errorCauses,
    };
  }
}

export class OktaNotFound extends OktaApiError {
  constructor(method: string, path: string) {
    super(404, 'E0000007', `Not found: Resource not found: ${path} (${method})`);
  }
}
