/**
 * The provider's one error tree. An error Understudy raises on purpose is an UnderstudyError:
 * the HTTP status, whether its message may be shown (`expose`), and the OAuth `error` code that
 * goes on the wire. `cause` is kept for the log and never reaches a response.
 */
export interface UnderstudyErrorOptions {
  cause?: unknown;
  /** Response headers the answer needs, e.g. a WWW-Authenticate challenge. */
  headers?: Readonly<Record<string, string>>;
  /** More members of the JSON body, beside `error` and `error_description`. */
  details?: Readonly<Record<string, unknown>>;
  /** Whether the message may be shown; by default, below 500 only. */
  expose?: boolean;
}

export class UnderstudyError extends Error {
  readonly status: number;
  readonly expose: boolean;
  /** The OAuth 2.0 error code, e.g. invalid_request. */
  readonly error: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, unknown>>;
  /** Okta answers some routes (/api/v1) in JSON even to a browser. */
  readonly jsonOnly: boolean = false;

  constructor(
    status: number,
    error: string,
    description: string,
    options: UnderstudyErrorOptions = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.error = error;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }

  get error_description(): string {
    return this.message;
  }

  /** The JSON body on the wire. */
  body(): Record<string, unknown> {
    return { ...this.details, error: this.error, error_description: this.message };
  }
}

export class InvalidRequest extends UnderstudyError {
  constructor(description: string, options?: UnderstudyErrorOptions) {
    super(400, 'invalid_request', description, options);
  }
}

export class InvalidClient extends UnderstudyError {
  constructor(description: string, options?: UnderstudyErrorOptions) {
    super(401, 'invalid_client', description, {
      ...options,
      headers: { 'www-authenticate': 'Basic realm="understudy"', ...options?.headers },
    });
  }
}

export class AccessDenied extends UnderstudyError {
  constructor(description: string, options?: UnderstudyErrorOptions) {
    super(403, 'access_denied', description, options);
  }
}

/** A path or method nothing answers; OAuth has no code of its own for it. */
export class RouteNotFound extends UnderstudyError {
  constructor(description: string, options?: UnderstudyErrorOptions) {
    super(404, 'invalid_request', description, options);
  }
}

export class PayloadTooLarge extends UnderstudyError {
  constructor(limit: number, options?: UnderstudyErrorOptions) {
    super(413, 'invalid_request', `the request body is larger than ${limit} bytes`, options);
  }
}

/**
 * The client hung up before its request was whole. No one reads the answer, and it is not a
 * fault of ours: a 400, which the boundary does not log.
 */
export class ClientClosedRequest extends UnderstudyError {
  constructor(options?: UnderstudyErrorOptions) {
    super(400, 'invalid_request', 'the client closed the connection mid-request', options);
  }
}

export class UnsupportedMediaType extends UnderstudyError {
  constructor(description: string, options?: UnderstudyErrorOptions) {
    super(415, 'invalid_request', description, options);
  }
}

/** A store or service the answer needs is not answering; try again shortly. */
export class ServiceUnavailable extends UnderstudyError {
  constructor(description: string, options?: UnderstudyErrorOptions) {
    // Said as it is, and not logged as a bug: an outage, whose cause is reported where it is.
    super(503, 'temporarily_unavailable', description, {
      expose: true,
      ...options,
      headers: { 'retry-after': '1', ...options?.headers },
    });
  }
}

/**
 * Where oidc-provider's failure hook leaves a ServiceUnavailable it turned into a 500, for
 * the route table to answer as the 503 it is.
 */
export const unavailable = Symbol('serviceUnavailable');
