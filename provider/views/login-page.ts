import type { SeedUser } from '../../seed/schema.js';
import { displayName } from '../../seed/users.js';
import { type Html, html } from './escape-html.js';
import { renderPage } from './layout.js';

export interface LoginPageInput {
  action: string;
  abortAction: string;
  csrfToken: string;
  clientName: string;
  /** The one-click picker's users; empty when every sign-in needs a password. */
  users: readonly SeedUser[];
  login?: string | undefined;
  message?: string | undefined;
}

export function renderLoginPage(input: LoginPageInput, nonce: string): string {
  const { action, abortAction, csrfToken, clientName, users, login, message } = input;
  const csrf = html`<input type="hidden" name="csrf" value="${csrfToken}" />`;
  return renderPage(
    'Sign in',
    html`<h1>Sign in</h1>
      <p class="lead">to continue to <strong>${clientName}</strong></p>
      ${message ? html`<section class="error" role="alert">${message}</section>` : ''}
      ${users.length ? picker(action, csrf, users) : ''}
      <section>
        <h2>${users.length ? 'Or sign in with a password' : 'Sign in with your password'}</h2>
        <form method="post" action="${action}">
          ${csrf}
          <label for="username">Username</label>
          <input
            id="username"
            type="text"
            name="username"
            autocomplete="username"
            value="${login ?? ''}"
            required
          />
          <label for="password">Password</label>
          <input
            id="password"
            type="password"
            name="password"
            autocomplete="current-password"
            required
          />
          <div class="actions"><button type="submit">Sign in</button></div>
        </form>
      </section>
      <form method="post" action="${abortAction}">
        ${csrf}
        <div class="actions"><button class="secondary" type="submit">Deny</button></div>
      </form>`,
    nonce,
  );
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
