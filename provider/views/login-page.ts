/**
 * The hosted sign-in page, with Okta's DOM where e2e scripts look for it: the identify form
 * (`identifier`, `credentials.passcode`, an `input[type=submit]` with
 * `data-se="o-form-input-submit"`), the security method buttons
 * (`data-se="authenticator-button"`, `aria-label="Select Email."`), and the code form; beside
 * them Understudy's one-click picker of seeded users.
 */
import type { SeedUser } from '../../seed/schema.js';
import { displayName } from '../../seed/users.js';
import { type Html, html } from './escape-html.js';
import { renderPage } from './layout.js';

export interface FactorChoice {
  key: string;
  label: string;
  ariaLabel: string;
  /** A code is sent (email, SMS), so it can be sent again. */
  sends: boolean;
  /** Where the code goes, to show: an address or a phone number. */
  to?: string | undefined;
}

export type LoginView =
  | { step: 'identify'; identifierFirst: boolean }
  | { step: 'password'; identifier: string }
  | { step: 'select'; choices: FactorChoice[] }
  | { step: 'challenge'; factor: FactorChoice };

export interface LoginPageInput {
  view: LoginView;
  action: string;
  abortAction: string;
  csrfToken: string;
  clientName: string;
  /** The one-click picker's users; empty when every sign-in needs a password. */
  users: readonly SeedUser[];
  login?: string | undefined;
  message?: string | undefined;
  /** The message is about the code field (Okta shows it under the field). */
  fieldMessage?: boolean | undefined;
}

export function renderLoginPage(input: LoginPageInput, nonce: string): string {
  const { view, action, abortAction, csrfToken, clientName, users, message } = input;
  const csrf = html`<input type="hidden" name="csrf" value="${csrfToken}" />`;
  const alert =
    message && !input.fieldMessage
      ? html`<section class="error o-form-error-container" role="alert">${message}</section>`
      : '';
  const fieldError =
    message && input.fieldMessage
      ? html`<p class="error o-form-input-error" role="alert">${message}</p>`
      : '';
  let main: Html;
  if (view.step === 'identify') {
    main = html`${users.length ? picker(action, csrf, users) : ''}
      <section>
        <h2>${users.length ? 'Or sign in with a password' : 'Sign In'}</h2>
        <form method="post" action="${action}" data-se="o-form">
          ${csrf}
          <label for="identifier">Username</label>
          <input
            id="identifier"
            type="text"
            name="identifier"
            autocomplete="username"
            value="${input.login ?? ''}"
            required
          />
          ${view.identifierFirst ? '' : passcodeField('Password', 'current-password', '')}
          <div class="actions">${submit(view.identifierFirst ? 'Next' : 'Sign in')}</div>
        </form>
      </section>`;
  } else if (view.step === 'password') {
    main = html`<section>
      <h2>Verify with your password</h2>
      <p class="identifier">${view.identifier}</p>
      <form method="post" action="${action}" data-se="o-form">
        ${csrf}<input type="hidden" name="step" value="password" />
        ${passcodeField('Password', 'current-password', '')} ${fieldError}
        <div class="actions">${submit('Verify')}</div>
      </form>
    </section>`;
  } else if (view.step === 'select') {
    main = html`<section>
      <h2>Verify it's you with a security method</h2>
      <p>Select from the following options</p>
      <form method="post" action="${action}">
        ${csrf}<input type="hidden" name="step" value="select" />
        <ul class="users">
          ${view.choices.map(
            (choice) =>
              html`<li>
                <button
                  class="user authenticator-button"
                  type="submit"
                  name="authenticator"
                  value="${choice.key}"
                  data-se="authenticator-button"
                  aria-label="${choice.ariaLabel}"
                >
                  <span>${choice.label}</span><small>Select</small>
                </button>
              </li>`,
          )}
        </ul>
      </form>
    </section>`;
  } else {
    const { factor } = view;
    main = html`<section>
        <h2>Verify with ${factor.label}</h2>
        <p>
          ${
            factor.sends
              ? html`We sent a code to <strong>${factor.to ?? ''}</strong>. Enter it below.`
              : html`Enter the temporary code generated in your ${factor.label} app.`
          }
        </p>
        <form method="post" action="${action}" data-se="o-form">
          ${csrf}<input type="hidden" name="step" value="verify" />
          ${passcodeField('Enter code', 'one-time-code', 'numeric')} ${fieldError}
          <div class="actions">${submit('Verify')}</div>
        </form>
      </section>
      ${
        factor.sends
          ? html`<form method="post" action="${action}">
              ${csrf}<input type="hidden" name="step" value="resend" />
              <div class="actions">
                <button class="secondary" type="submit" data-se="resend">Resend code</button>
              </div>
            </form>`
          : ''
      }`;
  }
  return renderPage(
    'Sign in',
    html`<h1>Sign in</h1>
      <p class="lead">to continue to <strong>${clientName}</strong></p>
      ${alert} ${main}
      <form method="post" action="${abortAction}">
        ${csrf}
        <div class="actions"><button class="secondary" type="submit">Deny</button></div>
      </form>`,
    nonce,
  );
}

function passcodeField(label: string, autocomplete: string, inputmode: string): Html {
  return html`<label for="credentials.passcode">${label}</label>
    <input
      id="credentials.passcode"
      type="${inputmode ? 'text' : 'password'}"
      ${inputmode ? html`inputmode="${inputmode}"` : ''}
      name="credentials.passcode"
      autocomplete="${autocomplete}"
      required
    />`;
}

function submit(value: string): Html {
  return html`<input
    class="button button-primary"
    type="submit"
    value="${value}"
    data-se="o-form-input-submit"
  />`;
}

function picker(action: string, csrf: Html, users: readonly SeedUser[]): Html {
  return html`<section>
    <h2>Pick a seeded user</h2>
    <form method="post" action="${action}">
      ${csrf}
      <ul class="users">
        ${users.map(
          (user) =>
            html`<li>
              <button
                class="user"
                type="submit"
                name="user_id"
                value="${user.id}"
                data-login="${user.login}"
              >
                <span>${displayName(user)}</span
                ><small
                  >${user.login}${user.groups.length ? html` · ${user.groups.join(', ')}` : ''}</small
                >
              </button>
            </li> `,
        )}
      </ul>
    </form>
  </section>`;
}
