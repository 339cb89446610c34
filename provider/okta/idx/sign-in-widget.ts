/**
 * Okta's own Sign-In Widget as the hosted page, served offline from the
 * `@okta/okta-signin-widget` package the user installed beside Understudy (an optional peer
 * dependency: most users never turn the widget on, and it weighs megabytes). Only its
 * browser files are served: the scripts, styles, fonts, images and labels of its dist folder.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Middleware } from 'koa';

export const widgetPackage = '@okta/okta-signin-widget';
const servedFolders = new Set(['js', 'css', 'font', 'img', 'labels']);
const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
  '.properties': 'text/plain; charset=utf-8',
};

export interface SignInWidget {
  version: string;
  /** The package's dist folder. */
  dist: string;
}

export class SignInWidgetMissing extends Error {
  override name = 'SignInWidgetMissing';
}

/**
 * The installed widget: found from Understudy's own install, then from the working directory
 * (an `npx` run next to a project that has it); `bases` are the module URLs to resolve from. A
 * clear error when it is absent or not 7.x.
 */
export function locateSignInWidget(
  bases: readonly string[] = [import.meta.url, pathToFileURL(join(process.cwd(), 'x')).href],
): SignInWidget {
  for (const base of bases) {
    let manifest: string;
    try {
      manifest = createRequire(base).resolve(`${widgetPackage}/package.json`);
    } catch {
      continue;
    }
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const dist = join(dirname(manifest), 'dist');
    if (!version.startsWith('7.')) {
      throw new SignInWidgetMissing(
        `the hosted Sign-In Widget needs ${widgetPackage} 7.x; ${version} is installed (npm install ${widgetPackage}@7)`,
      );
    }
    if (!existsSync(join(dist, 'js', 'okta-sign-in.min.js'))) continue;
    return { version, dist };
  }
  throw new SignInWidgetMissing(
    `the hosted Sign-In Widget ("signInPage": { "widget": true } or --sign-in-widget) needs the ${widgetPackage} package, which is not installed: npm install ${widgetPackage}@7`,
  );
}

/** GET /okta-signin-widget/{folder}/{file}: the widget's browser files, cached a day. */
export function widgetAssets(widget: SignInWidget): Middleware {
  return (ctx, next) => {
    const file = String((ctx.params as Record<string, string | undefined>).file ?? '');
    const relative = normalize(file);
    const [folder] = relative.split(sep);
    const path = join(widget.dist, relative);
    const inside = path.startsWith(`${widget.dist}${sep}`) && !relative.startsWith('..');
    const type = contentTypes[extname(path)];
    if (!inside || !servedFolders.has(folder ?? '') || !type || !isFile(path)) return next();
    ctx.set('cache-control', 'public, max-age=86400');
    ctx.type = type;
    ctx.body = createReadStream(path);
    return undefined;
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
