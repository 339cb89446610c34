/**
 * Signs a Playwright page in through Understudy's real login page: the page must be showing
 * it (after your app redirected there); this clicks the seeded user in the picker.
 */
export interface PageLike {
  locator(selector: string): { click(options?: { timeout?: number }): Promise<void> };
}

/** `user` is a seeded user's login (e.g. carol.lee@task-vantage.com) or id (00u…). */
export async function signInWithPage(
  page: PageLike,
  user: string,
  options: { timeout?: number } = {},
) {
  const attribute = /^00u[A-Za-z0-9]{17}$/.test(user) ? 'value' : 'data-login';
  const escaped = user.replace(/["\\]/g, '\\$&');
  await page.locator(`button[name="user_id"][${attribute}="${escaped}"]`).click(options);
}
