/**
 * A request over a limit gets its status while the client is still sending, and the client
 * can go on sending what it had started: a body over the limit is answered 413 and read off,
 * headers or a request line over Node's limit are answered 431 or 414 and read off, and only
 * then does the connection close. Before, the server closed with the rest unread, and the
 * kernel's reset reached the client instead of the status (ECONNRESET, EPIPE). Both servers:
 * the provider (with its control API) and the demo app.
 */
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../app/server.js';
import { freePort } from '../helpers/child-app.js';
import { useTestProvider } from '../helpers/provider.js';

const KiB = 1024;
const provider = useTestProvider({ control: true });
let providerPort = 0;
let app: RunningApp;
let appPort = 0;

beforeAll(async () => {
  providerPort = Number(new URL(provider.issuer).port);
  appPort = await freePort();
  app = await startApp({
    APP_PORT: String(appPort),
    OKTA_ISSUER: provider.issuer,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    APP_DATA_DIR: mkdtempSync(join(tmpdir(), 'understudy-oversized-')),
  });
});
afterAll(() => app?.close());

interface Upload {
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** The whole body; it goes in 64 KiB pieces. */
  total: number;
  /** Sent before waiting for the status; the rest only once the status is in. */
  before: number;
  /** Chunked, its size unsaid, rather than with a Content-Length. */
  chunked?: boolean;
}

/**
 * Sends `before` bytes of the body, waits for the status, then sends all the rest, over a
 * connection that asked to be closed after this request (so nothing reads off the body for a
 * next one). Rejects on any socket error: a reset shows as ECONNRESET or EPIPE here.
 */
function uploadPastTheAnswer(upload: Upload) {
  return new Promise<{ status: number; body: string; sentBeforeStatus: number; sent: number }>(
    (resolve, reject) => {
      const piece = Buffer.alloc(64 * KiB, 'a');
      let sent = 0;
      const req = httpRequest({
        host: '127.0.0.1',
        port: upload.port,
        method: upload.method ?? 'POST',
        path: upload.path,
        agent: false,
        headers: {
          host: `localhost:${upload.port}`,
          accept: 'application/json',
          connection: 'close',
          ...upload.headers,
          ...(upload.chunked
            ? { 'transfer-encoding': 'chunked' }
            : { 'content-length': String(upload.total) }),
        },
      });
      const timer = setTimeout(() => req.destroy(new Error('no status within 5 s')), 5_000);
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      // Each piece once the last is flushed (the client stops emitting 'drain' once a
      // response is in, so the write callback says it).
      const write = () =>
        new Promise<void>((done, fail) => {
          sent += piece.length;
          req.write(piece, (error) => (error ? fail(error) : done()));
        });
      req.on('response', (res) => {
        clearTimeout(timer);
        const sentBeforeStatus = sent;
        void (async () => {
          // The answer is not read until the whole body is sent, so nothing on this side
          // closes the connection first.
          while (sent < upload.total) await write();
          req.end();
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, sentBeforeStatus, sent }),
          );
        })().catch(reject);
      });
      void (async () => {
        while (sent < upload.before) await write();
      })().catch(reject);
    },
  );
}

/**
 * Opens a raw connection and sends `start` (a request line or header already over the
 * limit), waits for the status, then sends `more` bytes of the same line and `end`. Resolves
 * with what came back once the server has closed; rejects on a reset.
 */
function headPastTheAnswer(port: number, start: string, more: number, end: string) {
  return new Promise<{ answer: string; sentAfterStatus: number }>((resolve, reject) => {
    // Half-open: the server closes its side after answering, and this side still sends.
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5_000);
    let answer = '';
    let sentAfterStatus = -1;
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.setEncoding('latin1');
    socket.on('data', async (chunk: string) => {
      answer += chunk;
      if (sentAfterStatus >= 0 || !answer.includes('\r\n\r\n')) return;
      sentAfterStatus = 0;
      const piece = 'a'.repeat(16 * KiB);
      while (sentAfterStatus < more) {
        sentAfterStatus += piece.length;
        if (!socket.write(piece)) await new Promise((drained) => socket.once('drain', drained));
      }
      socket.end(end);
    });
    socket.on('close', (hadError) => {
      clearTimeout(timer);
      if (!hadError) resolve({ answer, sentAfterStatus });
    });
    socket.write(start);
  });
}

const servers = () => [
  { name: 'provider', port: providerPort, paths: ['/oauth2/default/v1/token', '/health'] },
  { name: 'demo app', port: appPort, paths: ['/logout', '/'] },
];

describe('a body over the limit', () => {
  it('gets its 413 while the client is still sending, and the rest is read off', async () => {
    for (const server of servers()) {
      for (const path of server.paths) {
        const label = `${server.name} ${path}`;
        const result = await uploadPastTheAnswer({
          port: server.port,
          path,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          total: 2 * 1024 * KiB,
          before: 64 * KiB,
        });
        expect(result.status, label).toBe(413);
        expect(JSON.parse(result.body), label).toMatchObject({ error: 'invalid_request' });
        expect(result.sentBeforeStatus, label).toBe(64 * KiB);
        expect(result.sent, label).toBe(2 * 1024 * KiB);
      }
    }
  });

  it('gets its 413 when chunked too, once a route has read past the limit', async () => {
    // The control API reads JSON bodies up to 64 KiB; the Okta APIs the same.
    for (const path of ['/__understudy/users', '/api/v1/authn']) {
      const result = await uploadPastTheAnswer({
        port: providerPort,
        path,
        headers: { 'content-type': 'application/json' },
        total: 1024 * KiB,
        before: 128 * KiB,
        chunked: true,
      });
      expect(result.status, path).toBe(413);
      expect(result.sent, path).toBe(1024 * KiB);
    }
  });

  it('on a GET that reads no body: answered, and the body read off before the close', async () => {
    const result = await uploadPastTheAnswer({
      port: providerPort,
      method: 'GET',
      path: '/health',
      total: 1024 * KiB,
      before: 64 * KiB,
      chunked: true,
    });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
    expect(result.sent).toBe(1024 * KiB);
  });
});

describe('headers over the limit', () => {
  it('get a 431, with the rest of the header read off before the close', async () => {
    for (const server of servers()) {
      const { answer, sentAfterStatus } = await headPastTheAnswer(
        server.port,
        `GET /health HTTP/1.1\r\nHost: localhost:${server.port}\r\nCookie: x=${'a'.repeat(32 * KiB)}`,
        256 * KiB,
        '\r\n\r\n',
      );
      expect(answer, server.name).toMatch(/^HTTP\/1\.1 431 /);
      expect(answer.toLowerCase(), server.name).toContain('connection: close');
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)), server.name).toMatchObject({
        error: 'invalid_request',
      });
      expect(sentAfterStatus, server.name).toBeGreaterThanOrEqual(256 * KiB);
    }
  });

  it('a request line over the limit gets a 414', async () => {
    for (const server of servers()) {
      const { answer, sentAfterStatus } = await headPastTheAnswer(
        server.port,
        `GET /health?q=${'a'.repeat(32 * KiB)}`,
        256 * KiB,
        ` HTTP/1.1\r\nHost: localhost:${server.port}\r\n\r\n`,
      );
      expect(answer, server.name).toMatch(/^HTTP\/1\.1 414 /);
      expect(sentAfterStatus, server.name).toBeGreaterThanOrEqual(256 * KiB);
    }
  });
});
