/**
 * What Node's HTTP parser refuses before there is a request to route: a request line or
 * headers over `maxHeaderBytes`, or bytes that are not HTTP. Node's own answer writes a bare
 * status and destroys the socket at once; a client still sending its headers or body then
 * reads a reset, not the status. Here the answer is a whole response (an OAuth error, as every
 * error of the provider), the connection is closed for writing, and what the client still
 * sends is read off and dropped, within the same bounds as an early answer's, before the
 * socket goes.
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { lingerLimits } from './lingering-response.js';

/** The request line and headers together, as Node counts them (its default). */
export const maxHeaderBytes = 16 * 1024;

interface ParserError extends Error {
  code?: string;
  /** What the parser was reading when it gave up, and how far into it. */
  rawPacket?: Buffer;
  bytesParsed?: number;
}

/** Each socket answered here, with its byte count then. */
const answered = new WeakMap<Duplex, number>();

/** The server's 'clientError' listener. */
export function answerClientError(error: ParserError, socket: Duplex): void {
  const readThen = answered.get(socket);
  if (readThen !== undefined) {
    // The parser fails again on every later chunk: those are the bytes being read off.
    if (bytesRead(socket) - readThen > lingerLimits.bytes) socket.destroy();
    return;
  }
  // A response already under way cannot be followed by another (Node's own check).
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  if (error.code === 'HPE_CLOSED_CONNECTION' && inFlight) {
    // Bytes after a request that asked to close: its answer goes out, then the connection.
    answered.set(socket, bytesRead(socket));
    return;
  }
  const [status, description] = refusal(error);
  // An answer to HEAD has no body, and a client reads any bytes after the head as an error:
  // the body goes only where the request line is there to say it is not a HEAD.
  const method = requestMethod(error);
  const body =
    method === undefined || method === 'HEAD'
      ? ''
      : JSON.stringify({ error: 'invalid_request', error_description: description });
  answered.set(socket, bytesRead(socket));
  socket.end(
    [
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
      'Connection: close',
      ...(body ? ['Content-Type: application/json; charset=utf-8'] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      '',
      body,
    ].join('\r\n'),
  );
  const timer = setTimeout(() => socket.destroy(), lingerLimits.ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

function refusal(error: ParserError): [number, string] {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return overlongRequestLine(error)
        ? [414, `the request line is longer than ${maxHeaderBytes} bytes`]
        : [431, `the request headers are larger than ${maxHeaderBytes} bytes`];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'the chunk extensions of the request body are too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'the request did not arrive in time'];
    default:
      return [400, 'the request is not well-formed HTTP'];
  }
}

/** A request line's start ("GET /…"); a header line has no space before its colon. */
const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) \S/;

/** What the parser had read of the packet it gave up in, up to where it gave up. */
function parsed(error: ParserError): string {
  const packet = error.rawPacket ?? Buffer.alloc(0);
  return packet.subarray(0, error.bytesParsed ?? packet.length).toString('latin1');
}

/** Whether the line the parser was in when the limit was hit is the request line. */
function overlongRequestLine(error: ParserError): boolean {
  const text = parsed(error);
  return requestLine.test(text.slice(text.lastIndexOf('\n') + 1));
}

/** The method of the refused request, when its request line is in what the parser read. */
function requestMethod(error: ParserError): string | undefined {
  const lines = parsed(error).split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const method = requestLine.exec(lines[index] ?? '')?.[1];
    // The line must start the packet or follow a blank line: the end of a request before.
    if (method && (index === 0 || lines[index - 1]?.trim() === '')) return method.toUpperCase();
  }
  return undefined;
}

function bytesRead(socket: Duplex): number {
  return (socket as { bytesRead?: number }).bytesRead ?? 0;
}
