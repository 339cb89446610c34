/**
 * The provider's Node responses (the server's `ServerResponse` class). An answer that comes
 * before the request body is whole (the 413 of a body over the limit, a 404 or a page that
 * never reads the body) is written at once, complete, with `Connection: close`; the response
 * ends, and the connection closes, only once the rest of the body has been read off and
 * dropped, up to a bound. Closing a socket with unread bytes on it makes the kernel send a
 * reset, and the client, still sending, reads ECONNRESET or EPIPE instead of the status it
 * was sent.
 */
import { type IncomingMessage, ServerResponse } from 'node:http';

/** What is read off after an early answer before the connection is closed regardless. */
export const lingerLimits = { bytes: 4 * 1024 * 1024, ms: 10_000 };

export class LingeringResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  #lingering = false;

  override end(callback?: () => void): this;
  override end(chunk: unknown, callback?: () => void): this;
  override end(chunk: unknown, encoding: BufferEncoding, callback?: () => void): this;
  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    const { req } = this;
    if (this.#lingering) return this;
    if (req.complete || req.destroyed) {
      return super.end(chunk, encoding as BufferEncoding, callback as (() => void) | undefined);
    }
    this.#lingering = true;
    const done = [chunk, encoding, callback].find((arg) => typeof arg === 'function') as
      (() => void) | undefined;
    const data = typeof chunk === 'function' || chunk == null ? undefined : chunk;
    this.#answerNow(data as string | Uint8Array | undefined, encoding);

    const socket = this.socket;
    let read = 0;
    const finish = (closeNow: boolean) => {
      clearTimeout(timer);
      req.off('data', count);
      req.off('end', whole);
      req.off('error', whole);
      req.off('close', whole);
      // Past the bound the body is not worth waiting for: the client has had its answer.
      if (closeNow) this.once('finish', () => socket?.destroy());
      super.end(done);
    };
    const count = (piece: Buffer) => {
      read += piece.length;
      if (read > lingerLimits.bytes) finish(true);
    };
    const whole = () => finish(false);
    const timer = setTimeout(() => finish(true), lingerLimits.ms);
    timer.unref();
    req.on('data', count);
    req.once('end', whole);
    req.once('error', whole);
    req.once('close', whole);
    req.resume();
    return this;
  }

  /** Sends the whole answer, its length said, so the client has it before the body is read. */
  #answerNow(data: string | Uint8Array | undefined, encoding: unknown): void {
    const textEncoding = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
    if (!this.headersSent) {
      // What is left of the body is still on this connection: it serves no other request.
      this.setHeader('connection', 'close');
      const hasBody =
        this.req.method !== 'HEAD' && this.statusCode !== 204 && this.statusCode !== 304;
      if (hasBody && !this.hasHeader('content-length') && !this.hasHeader('transfer-encoding')) {
        this.setHeader(
          'content-length',
          data === undefined ? 0 : Buffer.byteLength(data as string, textEncoding),
        );
      }
    }
    if (data === undefined) this.flushHeaders();
    else if (textEncoding) this.write(data, textEncoding);
    else this.write(data);
  }
}
