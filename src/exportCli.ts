/**
 * `npm run export -- --team T0123ABCD --out cases.csv [--timeline events.csv]`: the same two CSV
 * files as `/incident export` (the case sheet at --out, the timeline beside it, `cases-timeline.csv`
 * unless --timeline says where), read straight from the database (DATABASE_URL for PostgreSQL, else
 * DATABASE_PATH, or --db for a SQLite file), for a team's records outside Slack.
 */
import { closeSync, existsSync, openSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PLAYBOOK } from './domain/playbook.js';
import { CaseSheetPages, type CsvPager, CsvPages } from './services/export.js';
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
      timeline: { type: 'string' },
      db: { type: 'string' },
    },
    strict: true,
  });
  const team = values.team?.trim();
  if (!team || !/^[TE][A-Z0-9]{2,}$/.test(team))
    throw new Error('Give the workspace: --team T0123ABCD (its team ID)');
  if (!values.out) throw new Error('Give the file to write: --out cases.csv');
  const out = values.out;
  const timeline = values.timeline ?? `${out.replace(/\.csv$/i, '')}-timeline.csv`;
  if (timeline === out) throw new Error('Give --timeline a file other than --out');
  const { url, path, name } = databaseOf(values.db, env);
  const store = await openStore({ url, path, playbook: DEFAULT_PLAYBOOK });
  try {
    // Written a page at a time: memory stays at one page whatever the size of the workspace. The
    // timeline first; the case sheet stops where it did (the same cases and events).
    const events = new CsvPages(store.reports, { teamId: team });
    let eventBytes: number;
    let caseBytes: number;
    let cases: CaseSheetPages;
    try {
      eventBytes = await writePages(events, timeline, 5000);
      cases = new CaseSheetPages(store.reports, { teamId: team }, events.upTo, events.names);
      caseBytes = await writePages(cases, out, 500);
    } catch (e) {
      // No half-written file left to be taken for the export.
      for (const f of [out, timeline]) rmSync(f, { force: true });
      throw e;
    }
    const wrote = `Wrote ${out} (${caseBytes} bytes) and ${timeline} (${eventBytes} bytes) from ${name}`;
    // A header and no rows: most often a mistyped team ID, so say so rather than look like success.
    return cases.rows === 0
      ? `${wrote}: no cases for ${team} in this database (check --team)`
      : `${wrote}: ${cases.rows} ${cases.rows === 1 ? 'case' : 'cases'}, ${events.rows} ${events.rows === 1 ? 'event' : 'events'}`;
  } finally {
    await store.close();
  }
}

/** Writes a pager's pieces to `file`, `limit` rows a page; the bytes written. */
async function writePages(pages: CsvPager, file: string, limit: number): Promise<number> {
  let bytes = 0;
  const fd = openSync(file, 'w');
  try {
    for (let piece = await pages.next(limit); piece; piece = await pages.next(limit)) {
      for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at);
      bytes += piece.length;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
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
