/**
 * Installs packages into a scratch project from npm's local cache only, with no registry
 * round trip: a lockfile for the scratch project is cut out of this repository's own
 * package-lock.json, whose tarballs `npm ci` has already put in the cache. A fresh machine's
 * cold cache then costs nothing extra, and a slow registry cannot stall the test.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

export interface OfflineProject {
  /** The package.json written into the project. */
  manifest: Record<string, unknown>;
  /** The package-lock.json written beside it. */
  lock: Record<string, unknown>;
}

/**
 * Writes package.json and package-lock.json into `project` for `tarball` (this package, packed)
 * and `extra` (names of this repository's own dependencies, at the versions it locks).
 */
export function writeOfflineProject(
  root: string,
  project: string,
  tarball: string,
  extra: readonly string[],
): OfflineProject {
  const ourManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const ourLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const ours: Record<string, LockEntry> = ourLock.packages;
  const tarballName = basename(tarball);
  const selfPath = `node_modules/${ourManifest.name}`;

  const dependencies: Record<string, string> = {
    [ourManifest.name]: `file:${tarballName}`,
  };
  for (const name of extra) {
    const version = ours[`node_modules/${name}`]?.version;
    if (!version) throw new Error(`${name} is not in package-lock.json`);
    dependencies[name] = version;
  }

  const packages: Record<string, LockEntry> = {
    '': { name: 'recipes', dependencies },
    [selfPath]: {
      version: ourManifest.version,
      resolved: `file:${tarballName}`,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: ourManifest.license,
      dependencies: ourManifest.dependencies,
      bin: ourManifest.bin,
      engines: ourManifest.engines,
    },
  };

  // Node's resolution over the lock's layout: the nearest node_modules that has the name.
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
      if (candidate !== selfPath && ours[candidate]) return candidate;
      if (base === '') return undefined;
      const cut = base.lastIndexOf('/node_modules/');
      base = cut < 0 ? '' : base.slice(0, cut);
    }
  };

  const queue: [string, Record<string, string>][] = [
    ['', Object.fromEntries(extra.map((name) => [name, '']))],
    [selfPath, ourManifest.dependencies],
  ];
  while (queue.length) {
    const [from, wanted] = queue.shift() ?? ['', {}];
    for (const name of Object.keys(wanted)) {
      const path = resolve(from, name);
      if (!path || packages[path]) continue;
      // Dev-only here, but the scratch project's own dependencies there.
      const entry: LockEntry = Object.fromEntries(
        Object.entries(ours[path] ?? {}).filter(([key]) => key !== 'dev' && key !== 'devOptional'),
      );
      packages[path] = entry;
      queue.push([
        path,
        { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies },
      ]);
    }
  }

  // The same overrides as here, so the lock's versions are the ones the tree asks for.
  const manifest = {
    name: 'recipes',
    private: true,
    type: 'module',
    dependencies,
    ...(ourManifest.overrides ? { overrides: ourManifest.overrides } : {}),
  };
  const lock = { name: 'recipes', lockfileVersion: 3, requires: true, packages };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  return { manifest, lock };
}
