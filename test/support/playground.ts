// Tests of the browser playground need its bundle (dist/playground, written by `npm run build`): rebuilt here
// (esbuild, about a second) when missing or older than a source it bundles; and Chromium, which the test finds
// at /usr/bin/chromium (Debian's `chromium` package) or FLOWC_CHROMIUM.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll } from 'vitest';
import { ROOT } from './dist.js';

const SOURCES = ['playground', 'grammar', 'compiler', 'runtime', 'editors/server', 'editors/vscode/syntaxes'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export const PLAYGROUND_DIST = join(ROOT, 'dist', 'playground');

export function useFreshPlayground(): void {
  beforeAll(async () => {
    const main = join(PLAYGROUND_DIST, 'main.js');
    const stale = !existsSync(main) || SOURCES.some((d) => newest(join(ROOT, d)) > statSync(main).mtimeMs);
    if (!stale) return;
    const { buildPlayground } = (await import(join(ROOT, 'playground', 'build.mjs'))) as {
      buildPlayground: (dir?: string) => Promise<unknown>;
    };
    await buildPlayground();
  }, 120_000);
}
