/**
 * A store per test on either engine, for the contract suites that run on both: on SQLite a new
 * file in a temporary folder; on PostgreSQL one database per test file (freshPgDatabase), migrated
 * once and emptied before each test (ids start at 1 again, as in a new SQLite file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_PLAYBOOK, type Playbook } from '../../src/domain/playbook.js';
import type { CaseRepo } from '../../src/store/caseRepo.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { LeaseRepo } from '../../src/store/leaseRepo.js';
import type { LineRepo } from '../../src/store/lineRepo.js';
import type { ProcessRepo } from '../../src/store/processRepo.js';
import type { ProfileRepo } from '../../src/store/profileRepo.js';
import type { ReminderRepo } from '../../src/store/reminderRepo.js';
import type { ReportRepo } from '../../src/store/reportRepo.js';
import type { Conn, Param } from '../../src/store/sql.js';
import type { WorkspaceRepo } from '../../src/store/workspaceRepo.js';
import { type EngineName, freshPgDatabase, type PgDatabase } from '../helpers/postgres.js';

/** The store's repositories as the classes they are (with the methods only tests read). */
export interface EngineStore {
  readonly engine: EngineName;
  readonly cases: CaseRepo;
  readonly reminders: ReminderRepo;
  readonly lines: LineRepo;
  readonly workspaces: WorkspaceRepo;
  readonly profiles: ProfileRepo;
  readonly leases: LeaseRepo;
  readonly processes: ProcessRepo;
  readonly reports: ReportRepo;
  /** This test's store. */
  readonly store: Store;
  /** Its database itself, for the SQL a test reads or plants directly. */
  readonly conn: Conn;
  /** On SQLite the database file; on PostgreSQL its URL. */
  readonly where: string;
  /** Another store on the same database: another process (SQLite), another pool (PostgreSQL). */
  another(): Promise<Store>;
}

export interface StoreOptions {
  readonly playbook?: Playbook;
  /**
   * PostgreSQL: the test database's own settings (`ALTER DATABASE … SET`), e.g. synchronous_commit
   * back to on where the run's throwaway server has it off.
   */
  readonly pgSettings?: Readonly<Record<string, string>>;
}

/** Registers the hooks that give each test of the calling suite a store of its own on `engine`. */
export function storePerTest(engine: EngineName, o: StoreOptions = {}): EngineStore {
  const playbook = o.playbook ?? DEFAULT_PLAYBOOK;
  let pgDb: PgDatabase | null = null;
  /** The tables a new database has empty: what each test starts without. */
  let dataTables: string[] = [];
  let dir = '';
  let where = '';
  let store: Store | null = null;
  const others: Store[] = [];

  const open = () =>
    engine === 'postgres'
      ? openStore({ url: where, path: '', playbook })
      : openStore({ path: where, playbook });

  if (engine === 'postgres') {
    beforeAll(async () => {
      pgDb = await freshPgDatabase();
      where = pgDb.url;
      const s = await openStore({ url: where, path: '', playbook });
      try {
        for (const [k, v] of Object.entries(o.pgSettings ?? {}))
          await s.conn.run(`ALTER DATABASE ${pgDb.name} SET ${k} = ${v}`);
        const tables = await s.conn.all<{ name: string }>(
          'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
        );
        dataTables = [];
        for (const { name } of tables) {
          const row = await s.conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`);
          if (row?.n === 0) dataTables.push(name);
        }
      } finally {
        await s.close();
      }
    });
    afterAll(async () => {
      await pgDb?.drop();
    });
  }

  beforeEach(async () => {
    if (engine === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'amends-store-'));
      where = join(dir, 'amends.db');
    }
    store = await open();
    if (engine === 'postgres' && dataTables.length > 0)
      await store.conn.run(
        `TRUNCATE TABLE ${dataTables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`,
      );
  });

  afterEach(async () => {
    for (const s of others.splice(0)) await s.close();
    await store?.close();
    store = null;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  const current = (): Store => {
    if (!store) throw new Error('no store outside a test');
    return store;
  };
  return {
    engine,
    get store() {
      return current();
    },
    get conn() {
      return current().conn;
    },
    get where() {
      return where;
    },
    get cases() {
      return current().repos.cases as CaseRepo;
    },
    get reminders() {
      return current().repos.reminders as ReminderRepo;
    },
    get lines() {
      return current().repos.lines as LineRepo;
    },
    get workspaces() {
      return current().repos.workspaces as WorkspaceRepo;
    },
    get profiles() {
      return current().repos.profiles as ProfileRepo;
    },
    get leases() {
      return current().repos.leases as LeaseRepo;
    },
    get processes() {
      return current().repos.processes as ProcessRepo;
    },
    get reports() {
      return current().reports;
    },
    another: async () => {
      const s = await open();
      others.push(s);
      return s;
    },
  };
}

/** A statement a recording connection saw. */
export interface Seen {
  readonly kind: 'all' | 'get' | 'run';
  readonly sql: string;
  readonly params: readonly Param[];
}

/**
 * `conn`, recording each statement and counting the rows its writes change: a repository built on
 * it (`new ReportRepo(recorded.conn)`) runs everything through it, in its transactions too.
 */
export function recording(conn: Conn): { conn: Conn; seen: Seen[]; changes: () => number } {
  const seen: Seen[] = [];
  let n = 0;
  const wrap = (c: Conn): Conn => ({
    dialect: c.dialect,
    get inTransaction() {
      return c.inTransaction;
    },
    all: <R>(sql: string, params: readonly Param[] = []) => {
      seen.push({ kind: 'all', sql, params });
      return c.all<R>(sql, params);
    },
    get: <R>(sql: string, params: readonly Param[] = []) => {
      seen.push({ kind: 'get', sql, params });
      return c.get<R>(sql, params);
    },
    run: async (sql, params = []) => {
      seen.push({ kind: 'run', sql, params });
      const k = await c.run(sql, params);
      n += k;
      return k;
    },
    transaction: (fn, opts) => c.transaction((x) => fn(wrap(x)), opts),
    savepoint: (fn) => c.savepoint((x) => fn(wrap(x))),
  });
  return { conn: wrap(conn), seen, changes: () => n };
}
