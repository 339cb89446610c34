// The Node flags the published bin starts with (its `#!/usr/bin/env -S node ...` line), so a
// benchmark that must add flags of its own still starts the server as users start it.
import { readFileSync } from 'node:fs';

export function binNodeFlags(bin) {
  const [shebang = ''] = readFileSync(bin, 'utf8').split('\n', 1);
  const match = /^#!\/usr\/bin\/env\s+(?:-S\s+)?node((?:\s+--\S+)*)\s*$/.exec(shebang);
  if (!match) throw new Error(`${bin} does not start with a node shebang: ${shebang}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}
