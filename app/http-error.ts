/** An error with the HTTP status and the code the error page shows. */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string;
  /** Where "Try again" leads, for an error that may pass (an outage). */
  readonly retryUrl: string | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { cause?: unknown; retryUrl?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.retryUrl = options.retryUrl;
  }
}
