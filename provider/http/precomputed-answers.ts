/**
 * Answers that stay the same until the host is rebuilt (discovery, JWKS), kept as the bytes
 * and headers Koa produced the first time for each host they were asked on, and replayed
 * straight from the Node request, before Koa: the most fetched documents cost the least.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentSecurityPolicyForData } from './content-security.js';

interface Stored {
  body: Buffer;
  etag: string;
  /** Flat [name, value, name, value, ...], as writeHead takes them without copying. */
  headers: string[];
}

// Hosts are checked before anything is stored; past a few, answers are computed each time.
const maxEntries = 32;
// Headers that belong to one answer, not to the document.
const perAnswer = new Set([
  'x-okta-request-id',
  'content-length',
  'date',
  'connection',
  'keep-alive',
]);

export class PrecomputedAnswers {
  readonly #stored = new Map<string, Stored>();
  // A process-wide prefix and a counter: unique request ids without random bytes per request.
  readonly #requestIdPrefix = randomUUID().replaceAll('-', '').slice(0, 12);
  #requests = 0;

  /** Keeps what Koa answered for `host` + `url`, headers and all. */
  remember(
    host: string,
    url: string,
    body: Buffer,
    etag: string,
    headers: Record<string, unknown>,
  ): void {
    if (this.#stored.size >= maxEntries) return;
    const kept: string[] = [];
    for (const [name, value] of Object.entries(headers)) {
      if (perAnswer.has(name) || value === undefined || name === 'content-security-policy') {
        continue;
      }
      kept.push(name, String(value));
    }
    // The page nonce of the first answer must not be replayed; JSON needs no script anyway.
    kept.push('content-security-policy', contentSecurityPolicyForData);
    this.#stored.set(`${host} ${url}`, { body, etag, headers: kept });
  }

  requestId(): string {
    this.#requests += 1;
    return `${this.#requestIdPrefix}${this.#requests.toString(36)}`;
  }

  /** Answers a GET it has the bytes for; false when Koa must answer. */
  serve(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const stored = this.#stored.get(`${req.headers.host ?? ''} ${req.url ?? ''}`);
    if (!stored) return false;
    const headers = [...stored.headers, 'x-okta-request-id', this.requestId()];
    if (req.headers['if-none-match'] === stored.etag) {
      res.writeHead(304, headers).end();
    } else {
      headers.push('content-length', String(stored.body.length));
      res.writeHead(200, headers).end(stored.body);
    }
    return true;
  }
}
