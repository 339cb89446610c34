/**
 * The request target as Koa should read it: a path and a query. Koa reads the URL through
 * parseurl, which hands anything other than a plain path (a proxy's absolute form
 * `http://host/p`, `*`, a `#` fragment, a byte such as 0xA0) to Node's legacy url.parse():
 * deprecated (DEP0169, printed on the first such request when the bundle inlines parseurl)
 * and lenient in ways no route wants. Such a target is rewritten first; every other one,
 * which is nearly all, is left as it is.
 */
const plainPath = /^\/[^#\t\n\f\r \u00a0\ufeff]*$/;

export function originForm(target: string): string {
  if (plainPath.test(target)) return target;
  let path = target;
  if (!path.startsWith('/')) {
    // The absolute form names the origin too; the Host header is what the host checks.
    path = URL.canParse(path) ? pathAndQuery(new URL(path)) : `/${path}`;
  }
  const fragment = path.indexOf('#');
  if (fragment >= 0) path = path.slice(0, fragment);
  // Node reads the target as latin1: each such character is one byte, escaped as such.
  return path.replace(/[\t\n\f\r \u00a0\ufeff]/g, (char) =>
    char.charCodeAt(0) > 0xff
      ? encodeURIComponent(char)
      : `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

function pathAndQuery(url: URL): string {
  // Only a URL of a scheme with hosts (http:) is sure to have a path that starts with /.
  return `${url.pathname.startsWith('/') ? '' : '/'}${url.pathname}${url.search}`;
}
