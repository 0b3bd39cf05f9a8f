/**
 * Bundles what `npm start` runs into dist/app (or the folder given as the first argument): Amends'
 * own modules and its small ESM-only libraries (date-fns, @date-fns/tz) become a few files instead
 * of ~110. Node 20 loads every ES module on its own (resolve, read, link): about 50 ms of start-up
 * for those 110, against a few ms for the bundle (`npm run bench:startup`).
 *
 * CommonJS packages, the native driver and anything located on disk at run time stay external and
 * load from node_modules as before: Bolt and its Web API client, better-sqlite3 (and the checkpoint
 * thread, which resolves it by path), pg (PostgreSQL's driver, CommonJS; its optional native
 * binding pg-native, which Amends never installs, stays a name pg asks for at run time), pino and
 * pino-pretty (worker transports), node-cron (its background tasks fork a file by path), and the
 * libraries loaded on first use (yaml, ical-generator, csv-stringify). Names are kept and nothing is minified, so a stack trace reads as
 * the source does; a source map is written next to each file for `node --enable-source-maps`.
 *
 * Entry points: the bot (main), the export, copy, backup, key rewrap and migrate commands, and the modules the benchmark's Amends server
 * loads the way main does (checkSlack, then start/compose/config/log), so it measures this same code.
 *
 * The sandbox page's script (src/sandbox/page/main.ts, for the browser) is bundled first and set
 * into the app as a string (`__SANDBOX_PAGE_JS__`, read by src/sandbox/page.ts): the shipped app
 * serves it with neither esbuild nor the sources at hand. From the sources, page.ts bundles it
 * itself, through the same src/sandbox/pageScript.cjs.
 */

import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundlePageScript } from '../src/sandbox/pageScript.cjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = resolve(process.argv[2] ?? join(root, 'dist/app'));
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const inlined = new Set(['date-fns', '@date-fns/tz']);
// Chunk names change with their content: a chunk left from an earlier build is never loaded again.
rmSync(outdir, { recursive: true, force: true });

const pageJs = bundlePageScript(esbuild, 'warning');

await esbuild.build({
  entryPoints: [
    'main.ts',
    'exportCli.ts',
    'copyCli.ts',
    'backupCli.ts',
    'rewrapCli.ts',
    'store/migrateCli.ts',
    'compose.ts',
    'start.ts',
    'config.ts',
    'log.ts',
    'slack/checkSlack.ts',
  ].map((f) => join(root, 'src', f)),
  outbase: join(root, 'src'),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: [...Object.keys(dependencies).filter((d) => !inlined.has(d)), 'pg-native'],
  define: { __SANDBOX_PAGE_JS__: JSON.stringify(pageJs) },
  logLevel: 'warning',
});
