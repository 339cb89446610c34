/**
 * The demo app's entry point: configuration from the environment, then listen. Closing the
 * server also stops discovery, should the provider still not be up.
 */
import { createServer, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { defaultSeedPath, loadSeed } from '../seed/load.js';
import { createApp } from './app.js';
import { type AppConfig, readAppConfig } from './config.js';
import { createOidc } from './oidc.js';
import { resolveSessionSecret } from './session.js';
import { connectRedisSessionStore } from './session-store.js';

export interface RunningApp {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startApp(
  env: Record<string, string | undefined> = process.env,
): Promise<RunningApp> {
  const seed = await loadSeed(env.SEED_PATH ?? defaultSeedPath);
  const config: AppConfig = readAppConfig(env, seed.clients);
  const sessionSecret = await resolveSessionSecret(config.sessionSecret, config.dataDir);
  const shared = config.sessionRedisUrl
    ? await connectRedisSessionStore(config.sessionRedisUrl)
    : undefined;
  const oidc = createOidc({
    issuer: config.issuer,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
  });
  const app = createApp(config, { seed, sessionSecret, sessionStore: shared?.store, oidc });
  // Node's header limit, said here; what is over it, or is not HTTP, gets a status.
  const server = createServer({ maxHeaderSize: maxHeaderBytes }, app);
  server.on('clientError', answerClientError);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    oidc.close();
    await shared?.close();
    throw error;
  }
  server.once('close', () => oidc.close());
  return {
    server,
    url: config.baseUrl,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await shared?.close();
    },
  };
}

/** The request line and headers together, as Node counts them (its default). */
const maxHeaderBytes = 16 * 1024;
/** What the client may still send after the answer, and for how long, before the socket goes. */
const lingerLimits = { bytes: 4 * 1024 * 1024, ms: 10_000 };
const answered = new WeakMap<Duplex, number>();
/** A request line's start ("GET /…"); a header line has no space before its colon. */
const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) \S/;

interface ParserError extends Error {
  code?: string;
  rawPacket?: Buffer;
  bytesParsed?: number;
}

/**
 * What Node's HTTP parser refuses (headers or a request line over the limit, bytes that are
 * not HTTP) is answered with a whole response and `Connection: close`; what the client still
 * sends is read off (the parser fails on it again, each chunk) within bounds before the socket
 * goes. Node's own answer destroys the socket at once, and a client still sending reads a
 * reset instead of the status.
 */
function answerClientError(error: ParserError, socket: Duplex): void {
  const bytesRead = () => (socket as { bytesRead?: number }).bytesRead ?? 0;
  const readThen = answered.get(socket);
  if (readThen !== undefined) {
    if (bytesRead() - readThen > lingerLimits.bytes) socket.destroy();
    return;
  }
  // A response already under way cannot be followed by another (Node's own check).
  const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  answered.set(socket, bytesRead());
  if (error.code === 'HPE_CLOSED_CONNECTION' && inFlight) return;
  // What the parser read of the packet it gave up in; its last line is where it gave up.
  const packet = error.rawPacket ?? Buffer.alloc(0);
  const lines = packet
    .subarray(0, error.bytesParsed ?? packet.length)
    .toString('latin1')
    .split('\n');
  const [status, description] = refusal(error.code, requestLine.test(lines.at(-1) ?? ''));
  // An answer to HEAD has no body (a client reads bytes after its head as an error): the body
  // goes only where the request line, starting a request, says it is no HEAD.
  const start = lines.findLastIndex(
    (line, index) => requestLine.test(line) && (index === 0 || lines[index - 1]?.trim() === ''),
  );
  const method = requestLine.exec(lines[start] ?? '')?.[1]?.toUpperCase();
  const body =
    method === undefined || method === 'HEAD'
      ? ''
      : JSON.stringify({ error: 'invalid_request', error_description: description });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
      (body ? 'Content-Type: application/json; charset=utf-8\r\n' : '') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), lingerLimits.ms).unref();
}

function refusal(code: string | undefined, inRequestLine: boolean): [number, string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, 'The request did not arrive in time.'];
  if (code !== 'HPE_HEADER_OVERFLOW') return [400, 'The request is not well-formed HTTP.'];
  return inRequestLine
    ? [414, `The request line is longer than ${maxHeaderBytes} bytes.`]
    : [431, `The request headers are larger than ${maxHeaderBytes} bytes.`];
}
