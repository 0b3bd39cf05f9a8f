/**
 * `npm run export -- --team T… --out cases.csv [--timeline events.csv] [--db path]`: the same two
 * CSV files as `/incident export` (the case sheet at --out, the timeline beside it), read straight
 * from the database. runExport is called directly on a temp database; one run goes
 * through the command line itself (exit code and the one-line message on stderr).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../src/domain/playbook.js';
import { completeStep, openCase } from '../src/domain/recoveryCase.js';
import { runExport } from '../src/exportCli.js';
import { BOM, CASE_COLUMNS, TIMELINE_COLUMNS } from '../src/services/export.js';
import { openDatabase } from '../src/store/db.js';
import { sqliteStore } from '../src/store/index.js';
import { openInput } from './helpers/builders.js';
import { type Bundle, buildBundle } from './helpers/bundle.js';
import { parseCsv } from './helpers/csv.js';

const PB = DEFAULT_PLAYBOOK;
const TEAM = 'T0TEAM001';
const OTHER = 'T0OTHER01';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

let dir: string;
let dbPath: string;
let out: string;
/** Where the timeline goes by default: beside --out. */
let timeline: string;
/** Case ids by client, as seeded. */
let ids: Record<string, number>;

/** Three cases of TEAM (one with a second event) and one of another workspace, in a temp database. */
async function seed(path: string): Promise<Record<string, number>> {
  const store = sqliteStore(openDatabase(path), PB);
  try {
    const { cases } = store.repos;
    const at = (iso: string) => new Date(iso);
    const open = async (teamId: string, client: string, iso: string) =>
      (await cases.insert(openCase(openInput({ teamId, client }), PB, at(iso)), at(iso))).id;
    const greek = await open(TEAM, 'Ξενοδοχείο Ακρόπολις', '2026-03-02T09:00:00Z');
    await cases.update(TEAM, greek, at('2026-03-02T09:45:00Z'), (c) =>
      completeStep(c, 'own_up', 'U0OWNER01', null, PB, at('2026-03-02T09:45:00Z')),
    );
    const catalan = await open(TEAM, 'Cafè de l’Òpera', '2026-03-03T09:00:00Z');
    const formula = await open(TEAM, "=cmd|' /C calc'!A0", '2026-03-04T09:00:00Z');
    const other = await open(OTHER, 'Not Ours Ltd', '2026-03-05T09:00:00Z');
    return { greek, catalan, formula, other };
  } finally {
    await store.close();
  }
}

/** A written file's rows keyed by column (after checking the BOM and the header). */
function rowsIn(path: string, columns: readonly string[]): Record<string, string>[] {
  const text = readFileSync(path, 'utf8');
  expect(text.startsWith(BOM)).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(BOM.length));
  expect(header).toEqual([...columns]);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? ''])));
}
/** The timeline's rows (one per event). */
const rowsOf = (path: string) => rowsIn(path, TIMELINE_COLUMNS);
/** The case sheet's rows (one per case). */
const casesIn = (path: string) => rowsIn(path, CASE_COLUMNS);
/** Where the timeline of the case sheet at `path` goes by default. */
const timelineOf = (path: string) => path.replace(/\.csv$/, '-timeline.csv');

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'amends-export-'));
  dbPath = join(dir, 'amends.db');
  out = join(dir, 'cases.csv');
  timeline = join(dir, 'cases-timeline.csv');
  ids = await seed(dbPath);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('runExport', () => {
  const exportTeam = () => runExport(['--team', TEAM, '--out', out, '--db', dbPath], {});

  it('says what it wrote, from where', async () => {
    const said = await exportTeam();
    expect(said).toBe(
      `Wrote ${out} (${readFileSync(out).length} bytes) and ${timeline} (${readFileSync(timeline).length} bytes) from ${dbPath}: 3 cases, 4 events`,
    );
  });

  it('writes the case sheet to --out', async () => {
    await exportTeam();
    expect(existsSync(out)).toBe(true);
    expect([...readFileSync(out).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(casesIn(out).map((r) => [Number(r.case_id), r.client, r.own_up_hours])).toEqual([
      [ids.greek, 'Ξενοδοχείο Ακρόπολις', '0.75'],
      [ids.catalan, 'Cafè de l’Òpera', ''],
      [ids.formula, "'=cmd|' /C calc'!A0", ''],
    ]);
  });

  it('writes the timeline beside the case sheet', async () => {
    await exportTeam();
    expect([...readFileSync(timeline).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = rowsOf(timeline);
    // Greek: case_opened + step_done; Catalan and the formula: case_opened.
    expect(rows.map((r) => [Number(r.case_id), r.event])).toEqual([
      [ids.greek, 'case_opened'],
      [ids.greek, 'step_done'],
      [ids.catalan, 'case_opened'],
      [ids.formula, 'case_opened'],
    ]);
    expect(rows.map((r) => r.client)).toEqual([
      'Ξενοδοχείο Ακρόπολις',
      'Ξενοδοχείο Ακρόπολις',
      'Cafè de l’Òpera',
      "'=cmd|' /C calc'!A0",
    ]);
  });

  it('only exports that team: another workspace’s cases are left out', async () => {
    await runExport(['--team', TEAM, '--out', out, '--db', dbPath], {});
    for (const f of [out, timeline]) expect(readFileSync(f, 'utf8')).not.toContain('Not Ours Ltd');
    expect(rowsOf(timeline).every((r) => Number(r.case_id) !== ids.other)).toBe(true);

    const theirs = join(dir, 'theirs.csv');
    const events = join(dir, 'their-events.csv');
    await runExport(['--team', OTHER, '--out', theirs, '--timeline', events, '--db', dbPath], {});
    expect(casesIn(theirs).map((r) => [Number(r.case_id), r.client])).toEqual([
      [ids.other, 'Not Ours Ltd'],
    ]);
    expect(rowsOf(events).map((r) => [Number(r.case_id), r.event])).toEqual([
      [ids.other, 'case_opened'],
    ]);
    expect(existsSync(timelineOf(theirs))).toBe(false);
  });

  it('refuses a --timeline that is the --out file', async () => {
    await expect(
      runExport(['--team', TEAM, '--out', out, '--timeline', out, '--db', dbPath], {}),
    ).rejects.toThrow('Give --timeline a file other than --out');
    expect(existsSync(out)).toBe(false);
  });

  it('a team with no cases here (a mistyped ID, most often) gets the headers alone, with a word on why', async () => {
    const none = join(dir, 'none.csv');
    const said = await runExport(['--team', 'T0NOPE01', '--out', none, '--db', dbPath], {});
    expect(said).toBe(
      `Wrote ${none} (${readFileSync(none).length} bytes) and ${timelineOf(none)} (${readFileSync(timelineOf(none)).length} bytes) from ${dbPath}: no cases for T0NOPE01 in this database (check --team)`,
    );
    expect(casesIn(none)).toEqual([]);
    expect(rowsOf(timelineOf(none))).toEqual([]);
  });

  it('reads DATABASE_PATH when --db is not given (and --team=… form works)', async () => {
    const said = await runExport([`--team=${TEAM}`, `--out=${out}`], { DATABASE_PATH: dbPath });
    expect(said).toContain(`from ${dbPath}`);
    expect(rowsOf(timeline)).toHaveLength(4);
    expect(casesIn(out)).toHaveLength(3);
  });

  it.each([
    ['missing --team', ['--out', 'x.csv']],
    ['empty --team', ['--team', '', '--out', 'x.csv']],
    ['blank --team', ['--team', '   ', '--out', 'x.csv']],
    ['a channel id', ['--team', 'C0123ABCD', '--out', 'x.csv']],
    ['lower case', ['--team', 't0team001', '--out', 'x.csv']],
    ['a workspace name', ['--team', 'acme-corp', '--out', 'x.csv']],
    ['too short', ['--team', 'T0', '--out', 'x.csv']],
  ])('refuses %s with a message naming --team, before touching any file', async (_n, argv) => {
    const args = [...argv.map((a) => (a === 'x.csv' ? out : a)), '--db', join(dir, 'never.db')];
    await expect(runExport(args, {})).rejects.toThrow(
      'Give the workspace: --team T0123ABCD (its team ID)',
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });

  it('refuses a missing --out with a message naming --out, before opening the database', async () => {
    const never = join(dir, 'never.db');
    await expect(runExport(['--team', TEAM, '--db', never], {})).rejects.toThrow(
      'Give the file to write: --out cases.csv',
    );
    expect(existsSync(never)).toBe(false);
  });

  it('refuses an unknown option', async () => {
    await expect(runExport(['--team', TEAM, '--out', out, '--tema', 'x'], {})).rejects.toThrow(
      /--tema/,
    );
    expect(existsSync(out)).toBe(false);
  });

  // Was a bug (fixed; src/exportCli.ts, runExport: `openDatabase(path)`): a --db (or DATABASE_PATH) that does
  // not exist is not refused. openDatabase creates the folders and a fresh, migrated database
  // there, the export of it is a header-only file, and the tool prints "Wrote …" as if it had
  // worked: a typo in the path is indistinguishable from a workspace with no cases, and leaves a
  // stray database behind. Fix: check `existsSync(path)` first (or open it with better-sqlite3's
  // `fileMustExist: true`, readonly) and throw e.g. "No database at <path>: give --db or
  // DATABASE_PATH".
  it('refuses a database path that does not exist instead of creating one', async () => {
    const typo = join(dir, 'amnds.db');
    await expect(runExport(['--team', TEAM, '--out', out, '--db', typo], {})).rejects.toThrow(typo);
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL, naming the variable, before any file', async () => {
    await expect(
      runExport(['--team', TEAM, '--out', out], { DATABASE_URL: 'mysql://db/amends' }),
    ).rejects.toThrow('DATABASE_URL must be a PostgreSQL URL');
    expect(existsSync(out)).toBe(false);
  });

  it('--db names a SQLite file even when DATABASE_URL is set', async () => {
    const said = await runExport(['--team', TEAM, '--out', out, '--db', dbPath], {
      DATABASE_URL: 'postgres://nowhere.invalid/amends',
    });
    expect(said).toContain(`from ${dbPath}`);
    expect(rowsOf(timeline)).toHaveLength(4);
  });
});

describe('the command line (the bundle `npm run export` runs)', () => {
  let bundle: Bundle;
  beforeAll(() => {
    bundle = buildBundle();
  });
  afterAll(() => bundle.remove());
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [bundle.exportCli, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('writes the files, printing one line', () => {
    const ok = run(['--team', TEAM, '--out', out, '--db', dbPath]);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toMatch(
      new RegExp(
        `^Wrote ${out} \\(\\d+ bytes\\) and ${timeline} \\(\\d+ bytes\\) from ${dbPath}: 3 cases, 4 events$`,
      ),
    );
    expect(rowsOf(timeline)).toHaveLength(4);
    expect(casesIn(out)).toHaveLength(3);
  });

  it('a bad --team exits 1 with one readable line', () => {
    const bad = run(['--team', 'acme', '--out', join(dir, 'bad.csv'), '--db', dbPath]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trim()).toBe(
      'amends export: Give the workspace: --team T0123ABCD (its team ID)',
    );
    expect(existsSync(join(dir, 'bad.csv'))).toBe(false);
  });

  // Was a bug (fixed; src/exportCli.ts, last lines: `import.meta.url === \`file://${process.argv[1]}\``): the
  // "run as a script" check compares a URL with a path glued to "file://". A checkout whose path
  // has a space (or any character a URL escapes, e.g. "/Users/Jane Doe/amends", "C:\\…") never
  // matches, so `npm run export` does nothing at all: no file, no message, exit code 0. Fix:
  // compare like for like, e.g. `process.argv[1] && import.meta.url ===
  // pathToFileURL(realpathSync(process.argv[1])).href` (realpath also covers a symlinked path).
  it('works from a folder whose path has a space', () => {
    const spaced = join(dir, 'my amends');
    mkdirSync(spaced);
    cpSync(bundle.dir, join(spaced, 'app'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(spaced, 'node_modules'), 'dir');
    const r = spawnSync(
      process.execPath,
      [join(spaced, 'app/exportCli.js'), '--team', TEAM, '--out', out, '--db', dbPath],
      { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Wrote ${out}`);
    expect(existsSync(out)).toBe(true);
  });
});
