/**
 * Runs Koa middleware behind a real HTTP server on a loopback port for one request, so a unit
 * test sees exactly what a client would: status, headers and body. node:http rather than
 * fetch, so a test may send any Host header.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';

export interface Answer {
  status: number;
  headers: { get(name: string): string | undefined };
  text: string;
  json(): unknown;
}

export async function callMiddleware(
  middleware: readonly Middleware[],
  request: { method?: string; path?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const app = new Koa();
  app.silent = true;
  for (const step of middleware) app.use(step);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const { status, headers, text } = await new Promise<{
      status: number;
      headers: IncomingHttpHeaders;
      text: string;
    }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: request.path ?? '/',
          method: request.method ?? 'GET',
          headers: request.headers,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: body }),
          );
        },
      );
      req.on('error', reject);
      req.end(request.body);
    });
    return {
      status,
      headers: {
        get: (name) => [headers[name.toLowerCase()] ?? []].flat().join(', ') || undefined,
      },
      text,
      json: () => JSON.parse(text),
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
