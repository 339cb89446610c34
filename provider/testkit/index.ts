/**
 * oidc-understudy's programmatic API: start a provider in your own tests, sign users in
 * without a browser, mint tokens, and steer it through the control API.
 *
 * @example
 * ```ts
 * import { startUnderstudy } from 'oidc-understudy';
 * const understudy = await startUnderstudy();
 * const { tokens } = await understudy.login({ user: 'carol.lee@task-vantage.com' });
 * await understudy.close();
 * ```
 */
export { SeedError } from '../../seed/errors.js';
export type { Seed, SeedClient, SeedInput, SeedUser } from '../../seed/schema.js';
export type { FailableEndpoint, InjectedFailure } from '../control/control-state.js';
export type { ControlSnapshot, SeedUserInput, UnderstudyControl } from '../control/controller.js';
export {
  HeadlessLoginError,
  type HeadlessLoginOptions,
  type HeadlessLoginResult,
  type TokenResponse,
} from './headless-login.js';
export type { MintAccessTokenOptions, MintIdTokenOptions } from './mint.js';
export { type PageLike, signInWithPage } from './playwright.js';
export { type StartUnderstudyOptions, startUnderstudy, type Understudy } from './start.js';
export type { OutboxMessage } from '../store/outbox.js';
/** The code Google Authenticator shows now for a base32 secret (a seeded `google_otp`). */
export { totp } from '../okta/index.js';
