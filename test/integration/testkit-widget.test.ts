/**
 * The test kit's headless login when the hosted page is Okta's Sign-In Widget
 * (`signInPage.widget`): no picker there, so the kit does what the widget does, over the IDX
 * API, with the seed's password; the second factor's code computed or read from the outbox as
 * on Understudy's own page; the tokens those of a redirect sign-in.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HeadlessLoginError,
  startUnderstudy,
  type Understudy,
} from '../../provider/testkit/index.js';
import { loadSeed } from '../../seed/load.js';
import type { SeedInput } from '../../seed/schema.js';

const twoFactor = { acr_values: 'urn:okta:loa:2fa:any' };

describe.each([false, true])(
  'the headless login through the hosted widget (identifier first: %s)',
  (identifierFirst) => {
    let understudy: Understudy;
    beforeAll(async () => {
      const base = (await loadSeed()) as unknown as SeedInput;
      understudy = await startUnderstudy({
        seed: {
          ...base,
          signInPage: { identifierFirst, widget: true },
          users: [
            ...base.users,
            {
              id: '00uNoPasswordUser000',
              login: 'no.password@task-vantage.com',
              email: 'no.password@task-vantage.com',
              givenName: 'No',
              familyName: 'Password',
            },
          ],
        },
      });
    });
    afterAll(() => understudy?.close());

    it('shows the widget, and signs a password user in through its IDX calls', async () => {
      const { tokens, redirectUrl } = await understudy.login({ user: 'grace.li@task-vantage.com' });
      expect(new URL(redirectUrl).searchParams.get('code')).toBeTruthy();
      expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ amr: ['pwd'] });
    });

    it('adds the second factor a request asks for: Google Authenticator, then email', async () => {
      const hannah = await understudy.login({
        user: 'hannah.smith@task-vantage.com',
        params: twoFactor,
      });
      expect(decodeJwt(hannah.tokens.id_token ?? '')).toMatchObject({
        amr: ['mfa', 'otp', 'pwd'],
        acr: twoFactor.acr_values,
      });
      const carol = await understudy.login({
        user: 'carol.lee@task-vantage.com',
        params: twoFactor,
      });
      expect(decodeJwt(carol.tokens.id_token ?? '').amr).toEqual(['email', 'mfa', 'pwd']);
    });

    it('says why it cannot sign in a user without a password, or with a wrong code', async () => {
      await expect(
        understudy.login({ user: 'no.password@task-vantage.com' }),
      ).rejects.toMatchObject({ error: 'password_required' });
      const wrong = understudy.login({
        user: 'hannah.smith@task-vantage.com',
        params: twoFactor,
        otp: '000000',
      });
      await expect(wrong).rejects.toBeInstanceOf(HeadlessLoginError);
      await expect(wrong).rejects.toMatchObject({ error: 'idx_401' });
    });
  },
);
