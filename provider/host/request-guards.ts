/**
 * What every request must be before any route sees it: a Host that is a host (oidc-provider
 * builds URLs from it, and a malformed one would be a 500 deep inside), and a declared body
 * no larger than any route reads.
 */
import type { Middleware } from 'koa';
import { InvalidRequest, PayloadTooLarge } from '../http/errors.js';

/** The largest body any route reads (the control API's JSON); forms stop at 56 KiB. */
export const maxBodyBytes = 64 * 1024;

export const requestGuards: Middleware = async (ctx, next) => {
  const host = ctx.get('host');
  if (!validHost(host)) throw new InvalidRequest('the Host header is not a valid host');
  if (Number(ctx.get('content-length')) > maxBodyBytes) throw new PayloadTooLarge(maxBodyBytes);
  await next();
};

function validHost(host: string): boolean {
  const [, name = '', port] = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host) ?? [];
  if (name === '' || (port !== undefined && Number(port) > 65535)) return false;
  // The URL parser mends some inputs (spaces, escapes); a name it had to mend is not a host.
  return (
    URL.canParse(`http://${name}`) && new URL(`http://${name}`).hostname === name.toLowerCase()
  );
}
