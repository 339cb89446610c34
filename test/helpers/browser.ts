/**
 * A browser without JavaScript: fetch plus a real cookie jar, following redirects one hop at a
 * time so tests can stop at (and inspect) the redirect back to a relying party.
 */
import { CookieJar } from 'tough-cookie';

export interface Page {
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** Submit buttons with a name: their name=value pairs. */
  buttons: { name: string; value: string; label: string }[];
}

export class Browser {
  readonly jar = new CookieJar();

  /** GET a URL, following redirects until a page answers or the URL starts with `stopAt`. */
  async open(url: string, stopAt?: string): Promise<Page> {
    return this.#follow(await this.#request(url, { method: 'GET' }), stopAt);
  }

  /** Submit a form (POST, urlencoded) and follow the redirects that come back. */
  async submit(form: HtmlForm, extra: Record<string, string> = {}, stopAt?: string): Promise<Page> {
    const body = new URLSearchParams({ ...form.fields, ...extra });
    const page = await this.#request(form.action, {
      method: form.method.toUpperCase(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    return this.#follow(page, stopAt);
  }

  async #follow(first: Page, stopAt?: string): Promise<Page> {
    let page = first;
    for (let hops = 0; hops < 20; hops += 1) {
      const location = page.headers.get('location');
      if (page.status < 300 || page.status >= 400 || !location) return page;
      const next = new URL(location, page.url).href;
      if (stopAt && next.startsWith(stopAt)) {
        return { url: next, status: page.status, headers: page.headers, body: '' };
      }
      page = await this.#request(next, { method: 'GET' });
    }
    throw new Error('too many redirects');
  }

  async #request(url: string, init: RequestInit): Promise<Page> {
    const cookie = await this.jar.getCookieString(url);
    const headers = new Headers(init.headers);
    headers.set('accept', 'text/html,application/xhtml+xml');
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      await this.jar.setCookie(setCookie, url);
    }
    return { url, status: response.status, headers: response.headers, body: await response.text() };
  }
}

/** Extracts the forms of a page (enough HTML parsing for our own server-rendered pages). */
export function formsOf(page: Page): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = match[1] ?? '';
    const inner = match[2] ?? '';
    const action = decode(/action="([^"]*)"/i.exec(attributes)?.[1] ?? page.url);
    const method = /method="([^"]*)"/i.exec(attributes)?.[1] ?? 'get';
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const attrs = input[1] ?? '';
      const name = /name="([^"]*)"/i.exec(attrs)?.[1];
      const type = /type="([^"]*)"/i.exec(attrs)?.[1] ?? 'text';
      if (name && type !== 'submit')
        fields[decode(name)] = decode(/value="([^"]*)"/i.exec(attrs)?.[1] ?? '');
    }
    const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].flatMap(
      (button) => {
        const attrs = button[1] ?? '';
        const name = /name="([^"]*)"/i.exec(attrs)?.[1];
        if (!name) return [];
        return [
          {
            name: decode(name),
            value: decode(/value="([^"]*)"/i.exec(attrs)?.[1] ?? ''),
            label: decode(
              (button[2] ?? '')
                .replace(/<[^>]+>/g, ' ')
                .replace(/\s+/g, ' ')
                .trim(),
            ),
          },
        ];
      },
    );
    forms.push({ action: new URL(action, page.url).href, method, fields, buttons });
  }
  return forms;
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The one form on the page that matches, or a failure that says which was missing. */
export function findForm(page: Page, what: string, matches: (form: HtmlForm) => boolean): HtmlForm {
  const form = formsOf(page).find(matches);
  if (!form) throw new Error(`no ${what} form on ${page.url} (status ${page.status})`);
  return form;
}

export const userPicker = (page: Page) =>
  findForm(page, 'user picker', (form) => form.buttons.some((button) => button.name === 'user_id'));

/** Okta's "identify with password" form: `identifier` and `credentials.passcode`. */
export const passwordForm = (page: Page) =>
  findForm(page, 'password', (form) => 'credentials.passcode' in form.fields);

export const formPostingTo = (page: Page, pathSuffix: string) =>
  findForm(page, pathSuffix, (form) => form.action.endsWith(pathSuffix));
