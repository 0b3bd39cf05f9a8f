/**
 * `npm run export -- --team T0123ABCD --out cases.csv`: the same CSV as `/incident export`,
 * read straight from the database (DATABASE_URL for PostgreSQL, else DATABASE_PATH, or --db for a
 * SQLite file), for a team's records outside Slack.
 */
import { closeSync, existsSync, openSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PLAYBOOK } from './domain/playbook.js';
import { CsvPages } from './services/export.js';
import { openStore } from './store/index.js';

/** Where the export reads from: the PostgreSQL database or the SQLite file, as the bot finds it. */
function databaseOf(
  db: string | undefined,
  env: NodeJS.ProcessEnv,
): { url: string | null; path: string; name: string } {
  const url = env.DATABASE_URL?.trim() || null;
  if (db === undefined && url) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error('DATABASE_URL must be a PostgreSQL URL such as postgres://host:5432/amends');
    // Named without its user and password.
    const u = new URL(url);
    return { url, path: '', name: `postgres://${u.host}${u.pathname}` };
  }
  const path = db ?? env.DATABASE_PATH ?? './data/amends.db';
  // A mistyped path must not quietly create an empty database and export nothing from it.
  if (!existsSync(path))
    throw new Error(`No database at ${path}: give --db or set DATABASE_PATH to the bot's database`);
  return { url: null, path, name: path };
}

export async function runExport(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      team: { type: 'string' },
      out: { type: 'string' },
      db: { type: 'string' },
    },
    strict: true,
  });
  const team = values.team?.trim();
  if (!team || !/^[TE][A-Z0-9]{2,}$/.test(team))
    throw new Error('Give the workspace: --team T0123ABCD (its team ID)');
  if (!values.out) throw new Error('Give the file to write: --out cases.csv');
  const { url, path, name } = databaseOf(values.db, env);
  const store = await openStore({ url, path, playbook: DEFAULT_PLAYBOOK });
  try {
    // Written a page at a time: memory stays at one page whatever the size of the workspace.
    const pages = new CsvPages(store.reports, { teamId: team });
    let bytes = 0;
    const fd = openSync(values.out, 'w');
    try {
      for (let piece = await pages.next(5000); piece; piece = await pages.next(5000)) {
        for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at);
        bytes += piece.length;
      }
    } catch (e) {
      closeSync(fd);
      rmSync(values.out, { force: true }); // no half-written file left to be taken for the export
      throw e;
    }
    closeSync(fd);
    const wrote = `Wrote ${values.out} (${bytes} bytes) from ${name}`;
    // A header and no rows: most often a mistyped team ID, so say so rather than look like success.
    return pages.rows === 0
      ? `${wrote}: no cases for ${team} in this database (check --team)`
      : wrote;
  } finally {
    await store.close();
  }
}

const invoked = process.argv[1];
if (
  invoked &&
  existsSync(invoked) &&
  import.meta.url === pathToFileURL(realpathSync(invoked)).href
) {
  runExport(process.argv.slice(2), process.env).then(
    (said) => console.log(said),
    (e: unknown) => {
      console.error(`amends export: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
