import Database from 'better-sqlite3';
import type pg from 'pg';
import type { Playbook } from '../domain/playbook.js';
import type { Repos, Tx, UnitOfWork } from '../services/ports.js';
import { CaseRepo } from './caseRepo.js';
import { ClientRepo } from './clientRepo.js';
import { migrate, migratePostgres, openDatabase } from './db.js';
import { HomeViewerRepo } from './homeViewerRepo.js';
import { LeaseRepo } from './leaseRepo.js';
import { LineRepo } from './lineRepo.js';
import { OpsRepo } from './opsRepo.js';
import { ProcessRepo } from './processRepo.js';
import { ProfileRepo } from './profileRepo.js';
import { ReminderRepo } from './reminderRepo.js';
import { ReportRepo } from './reportRepo.js';
import { SandboxRepo } from './sandboxRepo.js';
import { SharingRepo } from './sharingRepo.js';
import { type Conn, type Dialect, PgConn, SqliteConn } from './sql.js';
import { WorkspaceRepo } from './workspaceRepo.js';

/** The store as the composition root holds it: one engine behind the ports. */
export interface Store {
  readonly engine: Dialect;
  /** Each call on its own (a transaction of its own where it writes). */
  readonly repos: Repos;
  readonly uow: UnitOfWork;
  /** Read-only reports and exports. */
  readonly reports: ReportRepo;
  /** The readiness probe's and the metrics' questions (src/ops/). */
  readonly ops: OpsRepo;
  /** What the sandbox asks of its database as it boots against Slack state saved apart from it. */
  readonly sandbox: SandboxRepo;
  /** The database itself, for the store's own commands (copy, counts). */
  readonly conn: Conn;
  /** The SQLite connection (null on PostgreSQL): the WAL checkpointer's settings. */
  readonly sqlite: Database.Database | null;
  readonly open: boolean;
  close(): Promise<void>;
}

/** The repositories on one connection (the database, or one transaction's). */
export function reposOn(conn: Conn, playbook: Playbook): Repos {
  return {
    cases: new CaseRepo(conn, playbook),
    reminders: new ReminderRepo(conn),
    lines: new LineRepo(conn),
    workspaces: new WorkspaceRepo(conn),
    profiles: new ProfileRepo(conn),
    leases: new LeaseRepo(conn),
    processes: new ProcessRepo(conn),
    sharing: new SharingRepo(conn),
    viewers: new HomeViewerRepo(conn),
    clients: new ClientRepo(conn),
  };
}

function txOn(conn: Conn, playbook: Playbook): Tx {
  const tx: Tx = {
    ...reposOn(conn, playbook),
    run: (fn) => conn.savepoint((c) => fn(c === conn ? tx : txOn(c, playbook))),
  };
  return tx;
}

function storeOn(
  conn: Conn,
  playbook: Playbook,
  sqlite: Database.Database | null,
  close: () => Promise<void>,
): Store {
  let open = true;
  return {
    engine: conn.dialect,
    conn,
    repos: reposOn(conn, playbook),
    uow: {
      run: (fn, opts) => conn.transaction((c) => fn(txOn(c, playbook)), opts),
    },
    reports: new ReportRepo(conn),
    ops: new OpsRepo(conn),
    sandbox: new SandboxRepo(conn),
    sqlite,
    get open() {
      return open && (sqlite ? sqlite.open : true);
    },
    close: async () => {
      if (!open) return;
      open = false;
      await close();
    },
  };
}

/** A store on an open (and migrated) SQLite database. */
export function sqliteStore(db: Database.Database, playbook: Playbook): Store {
  const conn = new SqliteConn(db);
  // Both connections: the light writes' one too.
  return storeOn(conn, playbook, db, async () => conn.close());
}

/** 64-bit integers (our instants in milliseconds, counts) as numbers: they fit in 2^53. */
function typesOf(driver: typeof pg) {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 20
        ? (v: string) => Number(v)
        : driver.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
}

export interface StoreOptions {
  /** `postgres://…` selects PostgreSQL; otherwise the SQLite file at `path`. */
  readonly url?: string | null;
  readonly path: string;
  readonly playbook: Playbook;
  /** Connections held at most (PostgreSQL). */
  readonly poolSize?: number;
  /** An idle pooled connection failed (PostgreSQL): for the log. */
  readonly onPoolError?: (e: Error) => void;
}

/** PostgreSQL: connections for light writes, beside the pool's (each write is one short statement). */
const LIGHT_POOL_SIZE = 2;

/** Opens the configured engine and applies its migrations. */
export async function openStore(o: StoreOptions): Promise<Store> {
  if (o.url && /^postgres(ql)?:\/\//.test(o.url)) {
    // Loaded only here: a bot on SQLite does not spend its start-up on the PostgreSQL driver.
    const driver = (await import('pg')).default;
    const types = typesOf(driver);
    const pool = new driver.Pool({
      connectionString: o.url,
      max: o.poolSize ?? 10,
      types,
      application_name: 'amends',
    });
    // A pooled connection the server ends while idle (a restart, an idle timeout) is reported
    // here; the pool drops it and opens another on the next query. Unheard, it would end the process.
    pool.on('error', (e) => o.onPoolError?.(e));
    // Light writes (see Conn.run): a few connections of their own, synchronous_commit off for the
    // session, opened at the first one.
    const lightPool = new driver.Pool({
      connectionString: o.url,
      max: LIGHT_POOL_SIZE,
      types,
      application_name: 'amends',
      options: '-c synchronous_commit=off',
    });
    lightPool.on('error', (e) => o.onPoolError?.(e));
    const end = async () => {
      await Promise.all([pool.end(), lightPool.end()]);
    };
    try {
      await migratePostgres(pool);
    } catch (e) {
      await end();
      throw e;
    }
    return storeOn(new PgConn(pool, lightPool), o.playbook, null, end);
  }
  const db = openDatabase(o.path);
  return sqliteStore(db, o.playbook);
}

export { Database, migrate };
