/**
 * MFA through the test kit and the control API (Google Authenticator's codes are good once,
 * and the provider takes one 30-s step either side of now: this file signs hannah in with
 * a code at most three times): the headless login computes Google
 * Authenticator's code or reads the outbox, the next login can count a second factor as
 * verified, a failure can be injected into the code check, and the outbox answers over HTTP.
 */
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HeadlessLoginError,
  startUnderstudy,
  type Understudy,
} from '../../provider/testkit/index.js';

const twoFactor = { acr_values: 'urn:okta:loa:2fa:any' };
const hannah = 'hannah.smith@task-vantage.com'; // Google Authenticator
const carol = 'carol.lee@task-vantage.com'; // email
let understudy: Understudy;

beforeAll(async () => {
  understudy = await startUnderstudy();
});
afterAll(() => understudy.close());
afterEach(() => understudy.control.reset());

const idTokenOf = (tokens: { id_token?: string }) => decodeJwt(tokens.id_token ?? '');

describe('the headless login with a second factor', () => {
  it("computes Google Authenticator's code, again within the same 30 s", async () => {
    for (let i = 0; i < 2; i += 1) {
      const { tokens } = await understudy.login({ user: hannah, params: twoFactor });
      expect(idTokenOf(tokens).amr).toEqual(['mfa', 'otp', 'pwd']);
      expect(idTokenOf(tokens).acr).toBe(twoFactor.acr_values);
    }
  });

  it('reads an email code from the outbox, which the control API lists newest first', async () => {
    const { tokens } = await understudy.login({ user: carol, params: twoFactor });
    expect(idTokenOf(tokens).amr).toEqual(['email', 'mfa', 'pwd']);
    await understudy.login({ user: carol, params: twoFactor });
    const latest = await understudy.outbox.latest(carol);
    const response = await fetch(`${understudy.url}/__understudy/outbox?to=${carol}`);
    const { messages } = (await response.json()) as { messages: { id: string; code: string }[] };
    expect(messages).toHaveLength(2);
    expect(messages[0]?.id).toBe(latest?.id);
    expect(messages[0]?.code).toMatch(/^\d{6}$/);
    const none = await fetch(`${understudy.url}/__understudy/outbox?to=nobody@example.com`);
    expect(await none.json()).toEqual({ messages: [] });
  });

  it('refuses a wrong code given as otp', async () => {
    const error = await understudy.login({ user: hannah, params: twoFactor, otp: '000000' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HeadlessLoginError);
    expect((error as HeadlessLoginError).error_description).toBe('Invalid code. Try again.');
  });
});

describe('the control API', () => {
  it('signs the next login in with a second factor counted as verified', async () => {
    await understudy.control.nextLogin(hannah, 'google_otp');
    expect((await understudy.control.snapshot()).nextLoginFactor).toBe('google_otp');
    const { tokens } = await understudy.login({
      user: hannah,
      params: twoFactor,
      otp: 'never-asked',
    });
    expect(idTokenOf(tokens).amr).toEqual(['mfa', 'otp', 'pwd']);
    await expect(understudy.control.nextLogin(hannah, 'okta_email')).rejects.toThrow(
      /has no authenticator "okta_email"/,
    );
  });

  it('fails the next code check on purpose, then lets the right code through', async () => {
    await understudy.control.failNext('verify', 'invalid_code', 'Your code was refused on purpose');
    const error = await understudy.login({ user: carol, params: twoFactor }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((error as HeadlessLoginError).error_description).toBe(
      'Your code was refused on purpose',
    );
    const { tokens } = await understudy.login({ user: carol, params: twoFactor });
    expect(idTokenOf(tokens).amr).toContain('email');
  });

  it('empties the outbox on reset', async () => {
    await understudy.login({ user: carol, params: twoFactor });
    expect(await understudy.outbox.list(carol)).toHaveLength(1);
    await understudy.control.reset();
    expect(await understudy.outbox.list()).toEqual([]);
  });
});
