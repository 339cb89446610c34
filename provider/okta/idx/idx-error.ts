/**
 * An IDX answer that is not a 2xx: the SDK and the widget read such a body as an IDX object
 * (`requestDidSucceed: false`), so it stays one, through the host's one error boundary.
 */
import { UnderstudyError } from '../../http/errors.js';
import { idxMessages, idxVersion, messages, type IdxMessage } from './idx-shapes.js';

export class IdxError extends UnderstudyError {
  override readonly jsonOnly = true;
  readonly #idx: Record<string, unknown>;

  /** `idx` is the answer (a form again, with its messages); a bare message without one. */
  constructor(status: number, idx: Record<string, unknown> | IdxMessage) {
    const body: Record<string, unknown> = isMessage(idx)
      ? { version: idxVersion, intent: 'LOGIN', messages: messages(idx) }
      : idx;
    const first = (body.messages as { value?: IdxMessage[] } | undefined)?.value?.[0];
    super(
      status,
      status === 429 ? 'too_many_requests' : 'invalid_request',
      first?.message ?? 'IDX error',
      {
        headers: status === 429 ? { 'retry-after': '1' } : {},
      },
    );
    this.#idx = body;
  }

  override body(): Record<string, unknown> {
    return this.#idx;
  }
}

function isMessage(idx: Record<string, unknown> | IdxMessage): idx is IdxMessage {
  return typeof idx.message === 'string' && 'i18n' in idx;
}

export const sessionExpired = () => new IdxError(401, idxMessages.sessionExpired);

/** /login/token/redirect for no finished hosted sign-in: a readable page (or JSON), a 400. */
export const noSignInToFinish = () =>
  new UnderstudyError(
    400,
    'invalid_request',
    'This sign-in has expired or was already completed. Go back to the application and sign in again.',
  );
