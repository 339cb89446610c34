/**
 * Where the hosted widget comes from: the installed @okta/okta-signin-widget 7, resolved the
 * way Node resolves a package; without it, or with another major version, an error that says
 * what to install, before anything starts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  locateSignInWidget,
  SignInWidgetMissing,
} from '../../../../../provider/okta/idx/sign-in-widget.js';

const scratch = mkdtempSync(join(tmpdir(), 'understudy-widget-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A module URL inside a fresh project directory, with `version` of the widget if given. */
function projectWith(name: string, version?: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  if (version) {
    const pkg = join(dir, 'node_modules/@okta/okta-signin-widget');
    mkdirSync(join(pkg, 'dist/js'), { recursive: true });
    writeFileSync(
      join(pkg, 'package.json'),
      JSON.stringify({ name: '@okta/okta-signin-widget', version }),
    );
    writeFileSync(join(pkg, 'dist/js/okta-sign-in.min.js'), '');
  }
  return pathToFileURL(join(dir, 'index.js')).href;
}

describe('locating the Sign-In Widget', () => {
  it('finds the installed 7.x and its browser files', () => {
    const widget = locateSignInWidget();
    expect(widget.version).toMatch(/^7\./);
    expect(widget.dist).toMatch(/@okta[/\\]okta-signin-widget[/\\]dist$/);
  });

  it('names the package to install when it is not there', () => {
    expect(() => locateSignInWidget([projectWith('bare')])).toThrow(SignInWidgetMissing);
    expect(() => locateSignInWidget([projectWith('bare')])).toThrow(
      'npm install @okta/okta-signin-widget@7',
    );
  });

  it('refuses another major version, saying which one it found', () => {
    expect(() => locateSignInWidget([projectWith('old', '6.9.0')])).toThrow(
      /needs @okta\/okta-signin-widget 7\.x; 6\.9\.0 is installed/,
    );
  });

  it('looks in the next place when the first has none', () => {
    const found = locateSignInWidget([projectWith('empty'), projectWith('seven', '7.1.0')]);
    expect(found.version).toBe('7.1.0');
  });
});
