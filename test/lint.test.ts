import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const biome = path.resolve(repoRoot, 'node_modules/@biomejs/biome/bin/biome');

// Imports point one way: domain ← services ← adapters (store, slack, scheduler) ← main.
// Each file below is linted with the project's biome.json, in a scratch copy of the layout.
const BAD: Record<string, string> = {
  'src/services/usesStore.ts': `import type { CaseRepo } from '../store/caseRepo.js';\nexport type A = CaseRepo;\n`,
  'src/services/usesSqlite.ts': `import Database from 'better-sqlite3';\nexport const a = Database;\n`,
  'src/slack/listeners/commands/usesStore.ts': `import type { WorkspaceRepo } from '../../../store/workspaceRepo.js';\nexport type A = WorkspaceRepo;\n`,
  'src/domain/usesServices.ts': `import type { CaseService } from '../services/cases.js';\nexport type A = CaseService;\n`,
  'src/domain/usesCron.ts': `import cron from 'node-cron';\nexport const a = cron;\n`,
  'src/store/usesSlack.ts': `import { ACTION } from '../slack/ids.js';\nexport const a = ACTION;\n`,
};
const GOOD: Record<string, string> = {
  'src/services/usesPorts.ts': `import { isOpen } from '../domain/recoveryCase.js';\nimport type { CaseStore } from './ports.js';\nexport type A = CaseStore;\nexport const b = isOpen;\n`,
  'src/store/implementsPorts.ts': `import type { CaseStore } from '../services/ports.js';\nexport type A = CaseStore;\n`,
  'src/slack/listeners/usesService.ts': `import type { WorkspaceService } from '../../services/workspaces.js';\nexport type A = WorkspaceService;\n`,
  'src/domain/usesI18n.ts': `import { t } from '../i18n/index.js';\nexport const a = t;\n`,
};

const RULE = 'lint/style/noRestrictedImports';

describe('the import direction (biome.json noRestrictedImports)', () => {
  let dir: string;
  let result: { status: number | null; output: string };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'amends-lint-'));
    const config = JSON.parse(readFileSync(path.join(repoRoot, 'biome.json'), 'utf8'));
    delete config.$schema;
    writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
    for (const [file, text] of Object.entries({ ...BAD, ...GOOD })) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const run = spawnSync(process.execPath, [biome, 'lint', '--reporter=concise', 'src'], {
      cwd: dir,
      encoding: 'utf8',
    });
    result = { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The files with a diagnostic of `rule` (any rule when omitted), from the concise report. */
  const flagged = (rule = '') =>
    result.output
      .split('\n')
      .filter((l) => l.includes(`: ${rule}`))
      .map((l) => /(src\/[^:\s]+):\d+:\d+/.exec(l)?.[1])
      .filter((f) => f !== undefined);

  it('fails the lint when an inner layer imports an outer one', () => {
    expect(result.status, result.output).not.toBe(0);
    expect(new Set(flagged(RULE))).toEqual(new Set(Object.keys(BAD)));
  });

  it('lets imports that point inwards through', () => {
    for (const file of Object.keys(GOOD)) expect(flagged(), result.output).not.toContain(file);
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

  it('tells SQL and drivers from words', () => {
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

  it('tells the executor and the SQLite handle from words', () => {
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

  it('lists only exceptions that exist and need it', () => {
    for (const [file, why] of Object.entries(TEST_EXCEPTIONS)) {
      expect(why.length, file).toBeGreaterThan(10);
      expect(sqlInTest(readFileSync(path.join(repoRoot, file), 'utf8')), file).not.toBeNull();
    }
  });
});
