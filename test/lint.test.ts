import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const depcruise = path.resolve(
  repoRoot,
  'node_modules/dependency-cruiser/bin/dependency-cruise.mjs',
);

// Imports point one way: domain ← services ← adapters (store, slack, scheduler, sandbox, ops) ←
// composition, as an allow list (.dependency-cruiser.cjs, run by `npm run lint`). Each probe is a
// file of one import, cruised with the project's rules in a scratch copy of src/.
// A target starting with `src/` is a file of the project (imported by its relative path).
const BAD: Record<string, string> = {
  // domain/ imports only domain/ and pure libraries
  'src/domain/usesServices.ts': 'src/services/cases.ts',
  'src/domain/usesI18n.ts': 'src/i18n/index.ts',
  'src/domain/usesFs.ts': 'node:fs',
  'src/domain/usesCron.ts': 'node-cron',
  // i18n/ imports only i18n/ and domain/
  'src/i18n/usesServices.ts': 'src/services/presenter.ts',
  // services/ import only services/, domain/, i18n/ and pure code
  'src/services/usesStore.ts': 'src/store/caseRepo.ts',
  'src/services/usesConfig.ts': 'src/config.ts',
  'src/services/usesLog.ts': 'src/log.ts',
  'src/services/usesHttp.ts': 'node:http',
  'src/services/usesSqlite.ts': 'better-sqlite3',
  // an adapter imports no other adapter
  'src/store/usesSlack.ts': 'src/slack/ids.ts',
  'src/slack/listeners/commands/usesStore.ts': 'src/store/workspaceRepo.ts',
  'src/scheduler/usesStore.ts': 'src/store/index.ts',
  'src/ops/usesStore.ts': 'src/store/opsRepo.ts',
  'src/sandbox/usesScheduler.ts': 'src/scheduler/reminderTick.ts',
  'src/slack/usesSandbox.ts': 'src/sandbox/fakeSlack.ts',
  // the sandbox page's script runs in the browser: it imports only its own folder
  'src/sandbox/page/usesFs.ts': 'node:fs',
  'src/sandbox/page/usesServer.ts': 'src/sandbox/fakeSlack.ts',
  'src/sandbox/page/usesDomain.ts': 'src/domain/text.ts',
  'src/sandbox/page/usesEsbuild.ts': 'esbuild',
  // the sandbox server alone may import the start-up sequence, and no part of it the store
  'src/sandbox/usesStart.ts': 'src/start.ts',
  'src/sandbox/usesStore.ts': 'src/store/sandboxRepo.ts',
  'src/sandbox/server.ts': 'src/compose.ts',
  // an adapter imports no composition file
  'src/slack/usesConfig.ts': 'src/config.ts',
  'src/store/usesCompose.ts': 'src/compose.ts',
  'src/ops/usesMain.ts': 'src/main.ts',
  // log.ts (the logger) imports no file of src/ (the probe is added to the real file)
  'src/log.ts': 'src/domain/text.ts',
  // a file of src/ in no layer is allowed nothing: it must be put in one
  'src/helpers.ts': 'src/domain/text.ts',
};
const GOOD: Record<string, string> = {
  'src/domain/usesDomain.ts': 'src/domain/text.ts',
  'src/domain/usesDates.ts': 'date-fns/addDays',
  'src/i18n/usesDomain.ts': 'src/domain/duration.ts',
  'src/services/usesPorts.ts': 'src/services/ports.ts',
  'src/services/usesDomain.ts': 'src/domain/recoveryCase.ts',
  'src/services/usesI18n.ts': 'src/i18n/index.ts',
  'src/services/usesCrypto.ts': 'node:crypto',
  'src/store/implementsPorts.ts': 'src/services/ports.ts',
  'src/store/usesDriver.ts': 'better-sqlite3',
  'src/slack/listeners/usesService.ts': 'src/services/workspaces.ts',
  'src/slack/usesLog.ts': 'src/log.ts',
  'src/slack/usesBolt.ts': '@slack/bolt',
  'src/scheduler/usesService.ts': 'src/services/reminders.ts',
  'src/ops/usesPorts.ts': 'src/services/ports.ts',
  'src/sandbox/usesDomain.ts': 'src/domain/clock.ts',
  'src/sandbox/page/usesPage.ts': 'src/sandbox/page/dom.ts',
  'src/sandbox/usesPageChrome.ts': 'src/sandbox/page/chrome.ts',
  'src/sandbox/routes.ts': 'src/sandbox/http.ts',
  'src/probeCli.ts': 'src/store/index.ts',
};

/** One import of `target`, from `file`. */
const probe = (file: string, target: string) => {
  const spec = target.startsWith('src/')
    ? `./${path.posix.relative(path.posix.dirname(file), target)}`
        .replace(/^\.\/\.\.\//, '../')
        .replace(/\.ts$/, '.js')
    : target;
  return `export * as layerProbe from '${spec}';\n`;
};

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
}

describe('the import direction (.dependency-cruiser.cjs, an allow list)', () => {
  let dir: string;
  let result: { status: number | null; output: string; violations: readonly Violation[] };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'amends-layers-'));
    cpSync(path.join(repoRoot, 'src'), path.join(dir, 'src'), { recursive: true });
    for (const f of ['.dependency-cruiser.cjs', 'tsconfig.json', 'package.json'])
      cpSync(path.join(repoRoot, f), path.join(dir, f));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const probes = { ...BAD, ...GOOD };
    // A new file holds its probe alone; an existing one (log.ts) gets it added at its end.
    for (const [file, target] of Object.entries(probes))
      appendFileSync(path.join(dir, file), probe(file, target));
    const run = spawnSync(
      process.execPath,
      [
        depcruise,
        '--config',
        '.dependency-cruiser.cjs',
        '--output-type',
        'err',
        '--max-depth',
        '1',
      ].concat(Object.keys(probes)),
      { cwd: dir, encoding: 'utf8' },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    // The lint's own report: one line a violation, `  error not-in-allowed: FROM → TO`.
    const violations = [...output.matchAll(/^\s*(\w+) ([\w-]+): (\S+) → (\S+)$/gm)].map(
      ([, severity, name, from, to]) => ({ from, to, rule: { name, severity } }) as Violation,
    );
    result = { status: run.status, output, violations };
  }, 60_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const flagged = () => new Set(result.violations.map((v) => v.from));

  it('fails the lint for each import no rule allows', () => {
    expect(result.status, result.output).not.toBe(0);
    expect(flagged()).toEqual(new Set(Object.keys(BAD)));
    for (const v of result.violations) {
      expect(v.rule, `${v.from} → ${v.to}`).toEqual({ name: 'not-in-allowed', severity: 'error' });
      // the probe's own import, nothing else of the file (a package resolves into node_modules/)
      expect(v.to).toContain(BAD[v.from]?.replace(/^node:/, ''));
    }
  });

  it('lets through inward imports, the composition files’ included', () => {
    for (const file of Object.keys(GOOD)) expect([...flagged()], result.output).not.toContain(file);
  });
});

// SQL lives in src/store/ only: every other layer reaches the database through the ports
// (services/ports.ts) and the store's factory (store/index.ts), so both engines (SQLite and
// PostgreSQL) run the same code above the store, and no query escapes its unit of work.
const SQL =
  /\b(SELECT\s[^;]{0,400}?\sFROM\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX)\s|ALTER\s+TABLE\s|DROP\s+TABLE\s|BEGIN\s+IMMEDIATE|PRAGMA\s+\w+)/;
const DRIVER =
  /from\s+['"](better-sqlite3|pg)['"]|import\(\s*['"](better-sqlite3|pg)['"]\s*\)|\.prepare\(/;
/** What in `text` is SQL or a database driver (null: nothing). */
const sqlIn = (text: string) => (SQL.exec(text) ?? DRIVER.exec(text))?.[0] ?? null;

describe('SQL only under src/store/', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : [p];
    });

  it('tells SQL (or a driver) from words', () => {
    for (const bad of [
      "conn.get('SELECT id, team_id FROM cases WHERE message_ts = ?', [ts])",
      'await conn.run(`UPDATE thread_lines SET status = ?`, [s])',
      "conn.run('INSERT INTO events (case_id) VALUES (?)', [id])",
      "conn.run('DELETE FROM requests WHERE at < ?', [t])",
      "import Database from 'better-sqlite3';",
      "import pg from 'pg';",
      "db.prepare('x')",
    ])
      expect(sqlIn(bad), bad).not.toBeNull();
    for (const words of [
      'Select the channel from the list',
      'Update the case: set a new date',
      "import { t } from '../i18n/index.js';",
      '// the pg pool (see store/sql.ts)',
    ])
      expect(sqlIn(words), words).toBeNull();
  });

  it('no file of src/ outside src/store/ holds a SQL statement or opens a database driver', () => {
    const src = path.join(repoRoot, 'src');
    const found = files(src)
      .filter((f) => f.endsWith('.ts') && !f.startsWith(path.join(src, 'store') + path.sep))
      .flatMap((f) => {
        const hit = sqlIn(readFileSync(f, 'utf8'));
        return hit ? [`${path.relative(repoRoot, f)}: ${hit.slice(0, 60)}`] : [];
      });
    expect(found).toEqual([]);
  });
});

// Tests too: outside test/store/ a test plants and reads state through the ports and the builders
// of test/helpers/ (so the listener and service suites run unchanged on both engines); what only
// the database can show or do (its file's bytes, pragmas, a full disk) is asked of
// test/store/database.ts, where SQL is allowed.
/** The store's executor or its SQLite handle, reached around the ports. */
const HANDLE = /\.conn\.|\.sqlite\b|\bsqliteOf\b|\.pragma\(/;
/** Files outside test/store/ allowed SQL or a driver, each with the reason. */
const TEST_EXCEPTIONS: Record<string, string> = {
  'test/helpers/postgres.ts':
    'the throwaway PostgreSQL cluster: creates, lists and drops databases on the server itself',
  'test/lint.test.ts': 'this check: its samples of SQL are what it must recognise',
};
const sqlInTest = (text: string) => sqlIn(text) ?? HANDLE.exec(text)?.[0] ?? null;

describe('SQL only under test/store/ among the tests', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : [p];
    });

  it('tells the store’s handles (executor, SQLite) from words', () => {
    for (const bad of [
      "await h.amends.store.conn.run('x', [id])",
      'h.amends.store.sqlite?.close()',
      'sqliteOf(h).exec(x)',
      "db.pragma('query_only = ON')",
    ])
      expect(sqlInTest(bad), bad).not.toBeNull();
    for (const words of [
      'new InstallationRepo(s.conn, cipher)',
      'the sqlite engine',
      "engine: 'sqlite'",
      'await h.amends.store.ops.rows()',
    ])
      expect(sqlInTest(words), words).toBeNull();
  });

  it('no test file outside test/store/ runs SQL, opens a driver or reaches the store around its ports', () => {
    const test = path.join(repoRoot, 'test');
    const found = files(test)
      .filter((f) => f.endsWith('.ts') && !f.startsWith(path.join(test, 'store') + path.sep))
      .filter((f) => !(path.relative(repoRoot, f).split(path.sep).join('/') in TEST_EXCEPTIONS))
      .flatMap((f) => {
        const hit = sqlInTest(readFileSync(f, 'utf8'));
        return hit ? [`${path.relative(repoRoot, f)}: ${hit.slice(0, 60)}`] : [];
      });
    expect(found).toEqual([]);
  });

  it('lists only real exceptions: files that hold SQL', () => {
    for (const [file, why] of Object.entries(TEST_EXCEPTIONS)) {
      expect(why.length, file).toBeGreaterThan(10);
      expect(sqlInTest(readFileSync(path.join(repoRoot, file), 'utf8')), file).not.toBeNull();
    }
  });
});
