/**
 * The provider's browser session, reached from Okta's org-level routes (the Sessions API,
 * sessionCookieRedirect), which oidc-provider does not answer itself.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';

export interface SessionCookieOptions {
  httpOnly: boolean;
  sameSite: 'none' | 'lax';
}

export type BrowserSession = Awaited<ReturnType<Provider['Session']['get']>>;

/** The signed-in session the request's cookie names, if there is one. */
export async function findBrowserSession(
  provider: Provider,
  ctx: Context,
): Promise<BrowserSession | undefined> {
  const session = await provider.Session.get(ctx as never);
  return session.accountId ? session : undefined;
}

export async function saveBrowserSession(
  provider: Provider,
  ctx: Context,
  session: BrowserSession,
  ttlSeconds: number,
  cookie: SessionCookieOptions,
): Promise<void> {
  await session.save(ttlSeconds);
  provider
    .createContext(ctx.req, ctx.res)
    .cookies.set(provider.cookieName('session'), session.jti, {
      ...cookie,
      expires: new Date((session.exp ?? 0) * 1000),
    });
}

/** What the sign-in verified, as the session (and the tokens it later issues) carry it. */
export interface SignInFacts {
  amr?: string[] | undefined;
  acr?: string | undefined;
  /** Epoch seconds: `auth_time`. */
  loginTs?: number | undefined;
}

/**
 * Signs `accountId` in: a new session, unless the browser already has one of theirs (or
 * `fresh` asks for a new one regardless).
 */
export async function startBrowserSession(
  provider: Provider,
  ctx: Context,
  accountId: string,
  ttlSeconds: number,
  {
    fresh = false,
    signIn = {},
    ...cookie
  }: SessionCookieOptions & { fresh?: boolean; signIn?: SignInFacts },
): Promise<BrowserSession> {
  const current = fresh ? undefined : await findBrowserSession(provider, ctx);
  const session = current?.accountId === accountId ? current : new provider.Session();
  session.loginAccount({
    accountId,
    amr: signIn.amr ?? ['pwd'],
    ...(signIn.acr === undefined ? {} : { acr: signIn.acr }),
    loginTs: signIn.loginTs ?? Math.floor(Date.now() / 1000),
  });
  await saveBrowserSession(provider, ctx, session, ttlSeconds, cookie);
  return session;
}

export async function endBrowserSession(
  provider: Provider,
  ctx: Context,
  session: BrowserSession,
  cookie: SessionCookieOptions,
): Promise<void> {
  await session.destroy();
  provider
    .createContext(ctx.req, ctx.res)
    .cookies.set(provider.cookieName('session'), null, cookie);
}
