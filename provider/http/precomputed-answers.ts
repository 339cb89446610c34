/**
 * Answers that stay the same until the host is rebuilt (discovery, JWKS), kept as the bytes
 * and headers Koa produced the first time for each host they were asked on, and replayed
 * straight from the Node request, before Koa: the most fetched documents cost the least.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentSecurityPolicyForData } from './content-security.js';

interface Stored {
  body: Buffer;
  etag: string;
  /** Flat [name, value, name, value, ...], as writeHead takes them without copying. */
  headers: string[];
}

// Hosts are checked before anything is stored, and URLs with a query are not; past a few
// host and path pairs, answers are computed each time.
const maxEntries = 32;
// Headers that belong to one answer, not to the document: CORS echoes each caller's Origin,
// and a page nonce must not be replayed.
const perAnswer = new Set([
  'x-okta-request-id',
  'content-length',
  'date',
  'connection',
  'keep-alive',
  'vary',
  'content-security-policy',
]);

export class PrecomputedAnswers {
  readonly #stored = new Map<string, Stored>();
  /** Keeps what Koa answered for `host` + `url` (the raw Host header and path), headers and all. */
  remember(
    host: string,
    url: string,
    body: Buffer,
    etag: string,
    headers: Record<string, unknown>,
  ): void {
    // A query changes nothing here, so a cache-busting one is not worth a place.
    if (this.#stored.size >= maxEntries || url.includes('?')) return;
    const kept: string[] = [];
    for (const [name, value] of Object.entries(headers)) {
      if (perAnswer.has(name) || name.startsWith('access-control-') || value === undefined) {
        continue;
      }
      kept.push(name, String(value));
    }
    // JSON needs no script or style: nothing may load, and nothing may frame it.
    kept.push('content-security-policy', contentSecurityPolicyForData);
    this.#stored.set(`${host} ${url}`, { body, etag, headers: kept });
  }

  /**
   * Answers a GET it has the bytes for, with `ownHeaders` (flat, like the stored ones) that
   * belong to this answer alone; false when Koa must answer.
   */
  serve(req: IncomingMessage, res: ServerResponse, ownHeaders: () => string[]): boolean {
    if (req.method !== 'GET') return false;
    const stored = this.#stored.get(`${req.headers.host ?? ''} ${req.url ?? ''}`);
    if (!stored) return false;
    const headers = [
      ...stored.headers,
      // oidc-provider's CORS for these public documents: any origin, echoed.
      'access-control-allow-origin',
      req.headers.origin ?? '*',
      'vary',
      'Origin',
      ...ownHeaders(),
    ];
    if (matchesEtag(req.headers['if-none-match'], stored.etag)) {
      res.writeHead(304, headers).end();
    } else {
      headers.push('content-length', String(stored.body.length));
      res.writeHead(200, headers).end(stored.body);
    }
    return true;
  }
}

/** If-None-Match's weak comparison: any listed tag, W/ or not, or `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
