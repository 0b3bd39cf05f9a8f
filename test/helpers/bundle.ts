import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Bundle {
  /** The folder holding main.js and exportCli.js, as dist/app does after `npm run build`. */
  readonly dir: string;
  readonly main: string;
  readonly exportCli: string;
  remove(): void;
}

/**
 * Builds what `npm start` runs (scripts/bundle.mjs, the same esbuild call as `npm run build`) into a
 * folder of its own, so process tests run the shipped bundle, not tsx on the sources. The folder
 * sits under node_modules/.cache so that the external packages resolve from it as from dist/app.
 * About half a second.
 */
export function buildBundle(): Bundle {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'amends-bundle-'));
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), dir], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return {
    dir,
    main: join(dir, 'main.js'),
    exportCli: join(dir, 'exportCli.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
