/** Why a headless login stopped: the OAuth error (or the sign-in's own) and where it ended. */
export class HeadlessLoginError extends Error {
  override name = 'HeadlessLoginError';
  readonly error: string;
  readonly error_description: string | undefined;
  readonly redirectUrl: string | undefined;

  constructor(error: string, description?: string, redirectUrl?: string) {
    super(description ? `${error}: ${description}` : error);
    this.error = error;
    this.error_description = description;
    this.redirectUrl = redirectUrl;
  }
}
