import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * One way to run SQL on either engine. The repositories are written once, in the SQL both engines
 * speak (`?` placeholders, `ON CONFLICT`, `RETURNING`, `CASE`), and run on a `Conn`: the database
 * itself (each statement on its own, or a transaction opened by `transaction`) or one transaction's
 * connection, handed to the work inside it.
 *
 * SQLite (better-sqlite3, synchronous) has one connection for reads and durable writes, and one for
 * light writes; units of work on both are serialised by one queue, so one never sees another's
 * half-done writes, and a statement outside any unit waits for the one running. PostgreSQL (pg)
 * holds one pooled connection for a unit of work.
 */
export type Param = string | number | null;
export type Dialect = 'sqlite' | 'postgres';

export interface Conn {
  readonly dialect: Dialect;
  /** True inside a transaction (statements are part of it). */
  readonly inTransaction: boolean;
  all<R>(sql: string, params?: readonly Param[]): Promise<R[]>;
  /** The first row; `light`: a write returning a row, committed as `run`'s light writes are. */
  get<R>(
    sql: string,
    params?: readonly Param[],
    opts?: { light?: boolean },
  ): Promise<R | undefined>;
  /**
   * Runs a write; how many rows it changed. Outside a transaction it is a transaction of its own,
   * committed lightly with `light` (see `transaction`): on SQLite still one statement (on the light
   * writes' connection), on PostgreSQL with synchronous_commit off. Inside one it is part of it,
   * and `light` changes nothing.
   */
  run(sql: string, params?: readonly Param[], opts?: { light?: boolean }): Promise<number>;
  /**
   * Runs `fn` in one transaction (the write lock taken first on SQLite) and commits; a throw rolls
   * it back. Inside a transaction `fn` simply runs as part of it. `light`: the commit need not reach
   * the disk before it returns (records of what Slack already shows: a message's ts, a lease; a
   * crash keeps them, a power cut may lose the last ones, and the messages are found again by
   * their metadata). A light write of one statement is cheaper as `run(…, { light: true })`.
   */
  transaction<T>(fn: (c: Conn) => Promise<T>, opts?: { light?: boolean }): Promise<T>;
  /** Inside a transaction: a savepoint (a throw rolls back only `fn`'s writes). Outside: a transaction. */
  savepoint<T>(fn: (c: Conn) => Promise<T>): Promise<T>;
  /**
   * Told the text of every statement sent to the database through this connection and the
   * transactions it opens, control statements included (BEGIN, COMMIT, SAVEPOINT, PRAGMA): how
   * the tests count a request's work. Unset, it costs nothing.
   */
  onStatement?: ((sql: string) => void) | undefined;
}

/** `?` placeholders as PostgreSQL's `$1, $2…` (outside quoted strings), translated once per text. */
const pgTexts = new Map<string, string>();
export function toPostgres(sql: string): string {
  const known = pgTexts.get(sql);
  if (known !== undefined) return known;
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else out += ch;
  }
  if (pgTexts.size < 5000) pgTexts.set(sql, out);
  return out;
}

/**
 * A statement as pg sends it: named, so each connection of the pool parses and plans a text once
 * and then only binds and executes it (the server's parse and plan were most of its work per
 * statement). Names are handed out per text, up to PREPARED_MAX texts; past that, unnamed.
 */
const PREPARED_MAX = 1000;
const pgNames = new Map<string, string>();
let pgNamed = 0;
function pgStatement(sql: string, params: readonly Param[]): pg.QueryConfig<Param[]> {
  const text = toPostgres(sql);
  let name = pgNames.get(text);
  if (name === undefined && pgNames.size < PREPARED_MAX) {
    name = `amends_${++pgNamed}`;
    pgNames.set(text, name);
  }
  return name === undefined
    ? { text, values: params as Param[] }
    : { name, text, values: params as Param[] };
}

/**
 * A prepared statement whose tables changed under it (another process migrated the schema): the
 * server refuses it on the connections that prepared it. Its text gets a new name (prepared
 * afresh on each connection), and it is sent again once where it stood alone.
 */
function replanned(e: unknown, sql: string): boolean {
  if (!isReplan(e)) return false;
  const text = toPostgres(sql);
  if (pgNames.has(text)) pgNames.set(text, `amends_${++pgNamed}`);
  return true;
}

function isReplan(e: unknown): boolean {
  const err = e as { code?: string; routine?: string } | null;
  return err?.code === '0A000' && err.routine === 'RevalidateCachedQuery';
}

/** A FIFO lock: the units of work of one SQLite connection run one after another. */
class Queue {
  #tail: Promise<void> = Promise.resolve();
  #busy = 0;
  get busy(): boolean {
    return this.#busy > 0;
  }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.#tail;
    let done!: () => void;
    this.#tail = new Promise<void>((r) => {
      done = r;
    });
    this.#busy += 1;
    try {
      await prev;
      return await fn();
    } finally {
      this.#busy -= 1;
      done();
    }
  }
}

type Stmt = Database.Statement;

/** Statements prepared once per connection and text; each one taken is counted (onStatement). */
class Statements {
  readonly #cache = new Map<string, Stmt>();
  onStatement: ((sql: string) => void) | undefined = undefined;
  constructor(readonly db: Database.Database) {}
  of(sql: string): Stmt {
    this.onStatement?.(sql);
    let s = this.#cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#cache.set(sql, s);
    }
    return s;
  }
  /** A statement with no result and no parameters (a savepoint, a pragma), not kept prepared. */
  exec(sql: string): void {
    this.onStatement?.(sql);
    this.db.exec(sql);
  }
}

/** One better-sqlite3 connection: its statements, and the connection as a transaction sees it. */
interface Side {
  readonly db: Database.Database;
  readonly st: Statements;
  readonly tx: SqliteTx;
}

function side(db: Database.Database, onStatement?: (sql: string) => void): Side {
  const st = new Statements(db);
  st.onStatement = onStatement;
  return { db, st, tx: new SqliteTx(st) };
}

/**
 * The SQLite database as the process shares it: statements outside a unit of work wait for it.
 * Light writes use a second connection at synchronous=NORMAL (no fsync; a power cut may lose the
 * last ones) while the main one stays at FULL; one queue serialises both connections' units of
 * work. Without WAL (e.g. in memory) there is no second connection.
 */
export class SqliteConn implements Conn {
  readonly dialect = 'sqlite' as const;
  readonly #main: Side;
  /** The light writes' connection: opened at the first one; false where there is none. */
  #light: Side | false | null = null;
  readonly #queue = new Queue();
  /** Set while a unit of work runs: a statement on the database itself from inside it is a bug. */
  readonly #inside = new AsyncLocalStorage<{ active: boolean }>();
  #onStatement: ((sql: string) => void) | undefined = undefined;
  constructor(readonly db: Database.Database) {
    this.#main = side(db);
  }
  get inTransaction(): boolean {
    return false;
  }
  get onStatement(): ((sql: string) => void) | undefined {
    return this.#onStatement;
  }
  set onStatement(fn: ((sql: string) => void) | undefined) {
    this.#onStatement = fn;
    this.#main.st.onStatement = fn;
    if (this.#light) this.#light.st.onStatement = fn;
  }
  /** Runs `fn` now if nothing holds the connection, else after what does. */
  #when<T>(fn: () => T): Promise<T> {
    this.#outside();
    if (!this.#queue.busy) {
      try {
        return Promise.resolve(fn());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.#queue.run(async () => fn());
  }
  all<R>(sql: string, params: readonly Param[] = []): Promise<R[]> {
    return this.#when(() => this.#main.st.of(sql).all(...params) as R[]);
  }
  get<R>(
    sql: string,
    params: readonly Param[] = [],
    opts?: { light?: boolean },
  ): Promise<R | undefined> {
    return this.#when(() => {
      const { st } = opts?.light ? this.#lightSide() : this.#main;
      return st.of(sql).get(...params) as R | undefined;
    });
  }
  run(sql: string, params: readonly Param[] = [], opts?: { light?: boolean }): Promise<number> {
    return this.#when(() => {
      const { st } = opts?.light ? this.#lightSide() : this.#main;
      return st.of(sql).run(...params).changes;
    });
  }
  /**
   * On the one connection a statement from inside a running unit of work, not through its `tx`,
   * would wait for that unit forever: it is refused instead, as the bug it is.
   */
  #outside(): void {
    if (this.#inside.getStore()?.active)
      throw new Error('a statement inside a unit of work must go through its tx, not the database');
  }
  transaction<T>(fn: (c: Conn) => Promise<T>, opts?: { light?: boolean }): Promise<T> {
    this.#outside();
    return this.#queue.run(async () => {
      const { db, st, tx } = opts?.light ? this.#lightSide() : this.#main;
      st.of('BEGIN IMMEDIATE').run();
      const flag = { active: true };
      try {
        const out = await this.#inside.run(flag, () => fn(tx));
        st.of('COMMIT').run();
        return out;
      } catch (e) {
        if (db.inTransaction) st.of('ROLLBACK').run();
        throw e;
      } finally {
        flag.active = false;
      }
    });
  }
  savepoint<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }
  /** Closes the light writes' connection, then the database. */
  close(): void {
    this.#closeLight();
    if (this.db.open) this.db.close();
  }
  #closeLight(): void {
    const light = this.#light || null;
    if (light?.db.open) light.db.close();
    this.#light = false;
  }
  /** The light writes' connection (opened now if it is the first), or the main one where none. */
  #lightSide(): Side {
    if (!this.db.open) {
      // The database was closed (Store.close): so is this, and the write fails as it would there.
      this.#closeLight();
      return this.#main;
    }
    if (this.#light === null) this.#light = this.#openLight();
    return this.#light || this.#main;
  }
  #openLight(): Side | false {
    const main = this.db;
    if (main.memory || main.readonly || main.pragma('journal_mode', { simple: true }) !== 'wal')
      return false;
    const db = new Database(main.name, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      // Not synced at each commit: the next FULL commit of the main connection syncs the WAL.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // Checkpoints as the main connection has them (none when a background thread runs them).
      db.pragma(
        `wal_autocheckpoint = ${Number(main.pragma('wal_autocheckpoint', { simple: true }))}`,
      );
      db.pragma('cache_size = -2048');
    } catch (e) {
      db.close();
      throw e;
    }
    return side(db, this.#onStatement);
  }
}

/** The connection as seen from inside a SQLite transaction. */
class SqliteTx implements Conn {
  readonly dialect = 'sqlite' as const;
  #depth = 0;
  constructor(readonly st: Statements) {}
  get inTransaction(): boolean {
    return true;
  }
  get onStatement(): ((sql: string) => void) | undefined {
    return this.st.onStatement;
  }
  async all<R>(sql: string, params: readonly Param[] = []): Promise<R[]> {
    return this.st.of(sql).all(...params) as R[];
  }
  async get<R>(
    sql: string,
    params: readonly Param[] = [],
    _opts?: { light?: boolean },
  ): Promise<R | undefined> {
    return this.st.of(sql).get(...params) as R | undefined;
  }
  async run(
    sql: string,
    params: readonly Param[] = [],
    _opts?: { light?: boolean },
  ): Promise<number> {
    return this.st.of(sql).run(...params).changes;
  }
  transaction<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async savepoint<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    const name = `sp${++this.#depth}`;
    this.st.exec(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      this.st.exec(`RELEASE ${name}`);
      return out;
    } catch (e) {
      this.st.exec(`ROLLBACK TO ${name}`);
      this.st.exec(`RELEASE ${name}`);
      throw e;
    } finally {
      this.#depth -= 1;
    }
  }
}

/** all/get/run over one way of sending a query (the pool, or a transaction's client). */
abstract class PgQueries {
  readonly dialect = 'postgres' as const;
  protected abstract query(sql: string, params: readonly Param[]): Promise<pg.QueryResult>;
  async all<R>(sql: string, params: readonly Param[] = []): Promise<R[]> {
    return (await this.query(sql, params)).rows as R[];
  }
  async get<R>(
    sql: string,
    params: readonly Param[] = [],
    _opts?: { light?: boolean },
  ): Promise<R | undefined> {
    return (await this.query(sql, params)).rows[0] as R | undefined;
  }
}

/**
 * A PostgreSQL pool: each statement on any free connection; a transaction holds one. Light writes
 * go to `lightPool`, whose connections have synchronous_commit off for the session: a light write
 * of one statement is then one round trip (no BEGIN, SET LOCAL and COMMIT around it). Without one,
 * they are transactions on `pool` with synchronous_commit off for the transaction.
 */
export class PgConn extends PgQueries implements Conn {
  onStatement: ((sql: string) => void) | undefined = undefined;
  constructor(
    readonly pool: pg.Pool,
    readonly lightPool: pg.Pool | null = null,
  ) {
    super();
  }
  get inTransaction(): boolean {
    return false;
  }
  protected query(sql: string, params: readonly Param[]): Promise<pg.QueryResult> {
    return this.#send(this.pool, sql, params);
  }
  async run(
    sql: string,
    params: readonly Param[] = [],
    opts?: { light?: boolean },
  ): Promise<number> {
    if (opts?.light) {
      if (!this.lightPool) return this.transaction((c) => c.run(sql, params), { light: true });
      return (await this.#send(this.lightPool, sql, params)).rowCount ?? 0;
    }
    return (await this.query(sql, params)).rowCount ?? 0;
  }
  override async get<R>(
    sql: string,
    params: readonly Param[] = [],
    opts?: { light?: boolean },
  ): Promise<R | undefined> {
    if (!opts?.light) return super.get(sql, params);
    if (!this.lightPool) return this.transaction((c) => c.get<R>(sql, params), { light: true });
    return (await this.#send(this.lightPool, sql, params)).rows[0] as R | undefined;
  }
  /**
   * One statement on a pool (the light writes' connections have synchronous_commit off for the
   * session), sent again once if it was prepared before another process changed its tables.
   */
  async #send(pool: pg.Pool, sql: string, params: readonly Param[]): Promise<pg.QueryResult> {
    this.onStatement?.(sql);
    try {
      return await pool.query(pgStatement(sql, params));
    } catch (e) {
      if (!replanned(e, sql)) throw e;
      return pool.query(pgStatement(sql, params));
    }
  }
  async transaction<T>(fn: (c: Conn) => Promise<T>, opts?: { light?: boolean }): Promise<T> {
    try {
      return await this.#transaction(fn, opts);
    } catch (e) {
      // A statement prepared before another process changed its tables: the transaction was
      // rolled back (nothing of it stands) and runs again once, that statement prepared afresh.
      if (!isReplan(e)) throw e;
      return this.#transaction(fn, opts);
    }
  }
  async #transaction<T>(fn: (c: Conn) => Promise<T>, opts?: { light?: boolean }): Promise<T> {
    const light = opts?.light === true;
    const client = await (light && this.lightPool ? this.lightPool : this.pool).connect();
    const tx = new PgTx(client, this);
    let broken: unknown = null;
    try {
      // One round trip either way (a simple query of two statements: no parameters).
      await tx.control(
        light && !this.lightPool ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN',
      );
      try {
        const out = await fn(tx);
        await tx.control('COMMIT');
        return out;
      } catch (e) {
        try {
          await tx.control('ROLLBACK');
        } catch (r) {
          broken = r; // the connection is unusable: don't give it back to the pool
        }
        throw e;
      }
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
  savepoint<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }
}

class PgTx extends PgQueries implements Conn {
  #depth = 0;
  constructor(
    readonly client: pg.PoolClient,
    readonly owner: PgConn,
  ) {
    super();
  }
  get inTransaction(): boolean {
    return true;
  }
  get onStatement(): ((sql: string) => void) | undefined {
    return this.owner.onStatement;
  }
  protected async query(sql: string, params: readonly Param[]): Promise<pg.QueryResult> {
    this.owner.onStatement?.(sql);
    try {
      return await this.client.query(pgStatement(sql, params));
    } catch (e) {
      // The transaction is aborted: PgConn.transaction runs it again, the statement renamed here.
      replanned(e, sql);
      throw e;
    }
  }
  /** A statement with no parameters and no result (BEGIN, COMMIT, SAVEPOINT…). */
  async control(sql: string): Promise<void> {
    this.owner.onStatement?.(sql);
    await this.client.query(sql);
  }
  /** Inside the transaction a light write is simply part of it. */
  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }
  transaction<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return fn(this);
  }
  async savepoint<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    const name = `sp${++this.#depth}`;
    await this.control(`SAVEPOINT ${name}`);
    try {
      const out = await fn(this);
      await this.control(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      await this.control(`ROLLBACK TO SAVEPOINT ${name}`);
      await this.control(`RELEASE SAVEPOINT ${name}`);
      throw e;
    } finally {
      this.#depth -= 1;
    }
  }
}

/** `FOR UPDATE` where the engine has row locks (SQLite's write lock is taken by BEGIN IMMEDIATE). */
export function forUpdate(c: Conn, skipLocked = false): string {
  if (c.dialect !== 'postgres') return '';
  return skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE';
}

/** The larger of two values, in either engine's words. */
export function greatest(c: Conn, a: string, b: string): string {
  return c.dialect === 'postgres' ? `GREATEST(${a}, ${b})` : `MAX(${a}, ${b})`;
}

/**
 * The database's clock in milliseconds since the epoch, as SQL: PostgreSQL's server clock (the
 * replicas' clocks may disagree); SQLite has no server, and its callers pass the host's clock.
 */
export function dbNow(dialect: Dialect): string {
  if (dialect !== 'postgres') throw new Error('SQLite measures time with the caller’s clock');
  return '(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint';
}
