/**
 * Okta's device verification page lives at the org root, https://{host}/activate; ours lives
 * under the authorization server, so the root path forwards there with the user code.
 */
import type { Middleware } from 'koa';

export function activateRedirect(verificationPath: string): Middleware {
  return async (ctx) => {
    const userCode = ctx.query.user_code;
    const query =
      typeof userCode === 'string' ? `?${new URLSearchParams({ user_code: userCode })}` : '';
    ctx.redirect(`${verificationPath}${query}`);
  };
}
