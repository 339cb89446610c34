/**
 * The headless login through the hosted Sign-In Widget (`signInPage.widget`): what the widget
 * does in a browser, as the IDX calls it makes. Its page's state token is introspected; the
 * seeded user identifies with the seed's password (no picker there), picks a second factor if
 * one is asked for and enters its code; the answer's `success` link is where the browser goes
 * next, back into the authorization request.
 */
import type { SeedUser } from '../../seed/schema.js';
import type { HttpResponse } from './http-request.js';
import { HeadlessLoginError } from './login-error.js';

interface IdxField {
  name: string;
  value?: unknown;
  form?: { value?: IdxField[] };
  options?: { relatesTo?: string; value?: { form?: { value?: IdxField[] } } }[];
}

interface IdxForm {
  name: string;
  href: string;
  value?: IdxField[];
  relatesTo?: string[];
}

interface IdxAnswer {
  stateHandle?: string;
  remediation?: { value?: IdxForm[] };
  success?: { href?: string };
  messages?: { value?: { message?: string }[] };
  currentAuthenticatorEnrollment?: { value?: { key?: string } };
  authenticatorEnrollments?: { value?: { key?: string }[] };
}

/** The state token of the widget's page, when the page is Okta's widget. */
export function widgetStateToken(
  body: string,
): { stateToken: string; baseUrl: string } | undefined {
  const attribute = /<div id="okta-login-container" data-settings="([^"]*)"/.exec(body)?.[1];
  if (attribute === undefined) return undefined;
  const settings = JSON.parse(
    attribute.replace(/&(quot|#39|lt|gt|#96|amp);/g, (entity) => entities[entity] ?? entity),
  ) as { stateToken?: unknown; baseUrl?: unknown };
  if (typeof settings.stateToken !== 'string' || typeof settings.baseUrl !== 'string') {
    return undefined;
  }
  return { stateToken: settings.stateToken, baseUrl: settings.baseUrl };
}

const entities: Record<string, string> = {
  '&quot;': '"',
  '&#39;': "'",
  '&lt;': '<',
  '&gt;': '>',
  '&#96;': '`',
  '&amp;': '&',
};

/** Signs `user` in through the widget's IDX calls; the URL the browser goes to next. */
export async function signInThroughWidget(input: {
  widget: { stateToken: string; baseUrl: string };
  user: SeedUser;
  factor?: string | undefined;
  codeFor(factor: string): Promise<string>;
  postJson(url: string, body: unknown): Promise<HttpResponse>;
}): Promise<string> {
  const { user } = input;
  const parse = (response: HttpResponse): IdxAnswer => {
    try {
      return JSON.parse(response.body) as IdxAnswer;
    } catch {
      throw new HeadlessLoginError(`http_${response.status}`, 'the IDX answer is not JSON');
    }
  };
  const password = () => {
    if (user.password === undefined) {
      throw new HeadlessLoginError(
        'password_required',
        `${user.login} has no password in the seed, and the Sign-In Widget has no one-click picker`,
      );
    }
    return user.password;
  };

  const first = await input.postJson(`${input.widget.baseUrl}/idp/idx/introspect`, {
    stateToken: input.widget.stateToken,
  });
  let answer = parse(first);
  let status = first.status;
  const stateHandle = answer.stateHandle ?? input.widget.stateToken;
  for (let step = 0; step < 10; step += 1) {
    if (answer.success?.href) return answer.success.href;
    const message = answer.messages?.value?.[0]?.message;
    if (status >= 400 || message) {
      throw new HeadlessLoginError(`idx_${status}`, message ?? 'the sign-in was refused');
    }
    const forms = answer.remediation?.value ?? [];
    const identify = forms.find(({ name }) => name === 'identify');
    const select = forms.find(({ name }) => name === 'select-authenticator-authenticate');
    const challenge = forms.find(({ name }) => name === 'challenge-authenticator');
    let response: HttpResponse;
    if (identify) {
      const withPassword = identify.value?.some(({ name }) => name === 'credentials');
      response = await input.postJson(identify.href, {
        identifier: user.login,
        ...(withPassword ? { credentials: { passcode: password() } } : {}),
        stateHandle,
      });
    } else if (challenge) {
      const key = answer.currentAuthenticatorEnrollment?.value?.key ?? '';
      const passcode = key === 'okta_password' ? password() : await input.codeFor(key);
      response = await input.postJson(challenge.href, { credentials: { passcode }, stateHandle });
    } else if (select) {
      const options = select.value?.find(({ name }) => name === 'authenticator')?.options ?? [];
      const keyOf = (path: string | undefined) =>
        answer.authenticatorEnrollments?.value?.[Number(/\[(\d+)\]$/.exec(path ?? '')?.[1])]?.key;
      const offered = options.map((option) => keyOf(option.relatesTo));
      const wanted = input.factor ?? offered[0];
      const chosen = options[offered.indexOf(wanted)];
      const id = chosen?.value?.form?.value?.find(({ name }) => name === 'id')?.value;
      if (!chosen || typeof id !== 'string') {
        throw new HeadlessLoginError(
          'factor_not_enrolled',
          `${user.login} has no ${input.factor ?? 'second factor'} (offered: ${offered.join(', ') || 'none'})`,
        );
      }
      response = await input.postJson(select.href, { authenticator: { id }, stateHandle });
    } else {
      throw new HeadlessLoginError(
        'idx_unexpected',
        'the Sign-In Widget asks for a step the kit cannot take',
      );
    }
    status = response.status;
    answer = parse(response);
  }
  throw new HeadlessLoginError('idx_too_many_steps', 'the sign-in did not finish');
}
