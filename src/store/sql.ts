import { AsyncLocalStorage } from 'node:async_hooks';
import { closeSync, fdatasync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * One way to run SQL on either engine. The repositories are written once, in the SQL both engines
 * speak (`?` placeholders, `ON CONFLICT`, `RETURNING`, `CASE`), and run on a `Conn`: the database
 * itself (each statement on its own, or a transaction opened by `transaction`) or one transaction's
 * connection, handed to the work inside it.
 *
 * SQLite (better-sqlite3, synchronous) has one connection; its units of work are serialised by one
 * queue, so one never sees another's half-done writes, and a statement outside any unit waits for
 * the one running. PostgreSQL (pg) holds one pooled connection for a unit of work.
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
   * committed lightly with `light` (see `transaction`): on SQLite without waiting for the WAL's
   * sync, on PostgreSQL with synchronous_commit off. Inside one it is part of it, and `light`
   * changes nothing.
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
 * The WAL file's fdatasync, on libuv's thread pool so the event loop is not held while the disk
 * works. A call waits for a sync that starts after it: while one is on its way, the calls made
 * meanwhile share the next one (their commits may have missed the one running).
 */
export class WalSync {
  #fd: number | null = null;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #closed = false;
  constructor(
    readonly path: string,
    /** fs.fdatasync, replaced in tests to hold a sync or fail it. */
    readonly datasync: (fd: number, cb: (e: Error | null) => void) => void = fdatasync,
  ) {}
  sync(): Promise<void> {
    if (!this.#running) return this.#start();
    if (!this.#next) {
      const go = () => {
        this.#next = null;
        return this.#start();
      };
      this.#next = this.#running.then(go, go);
    }
    return this.#next;
  }
  /** Closes the file once no sync is on its way (its descriptor must not be reused under one). */
  close(): void {
    this.#closed = true;
    const last = this.#next ?? this.#running;
    if (last) void last.then(this.#release, this.#release);
    else this.#release();
  }
  #start(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the database is closed'));
    this.#fd ??= openSync(this.path, 'r');
    const fd = this.#fd;
    const p = new Promise<void>((resolve, reject) =>
      this.datasync(fd, (e) => (e ? reject(e) : resolve())),
    );
    this.#running = p;
    const done = () => {
      if (this.#running === p) this.#running = null;
    };
    p.then(done, done);
    return p;
  }
  #release = (): void => {
    if (this.#next || this.#running || this.#fd === null) return;
    closeSync(this.#fd);
    this.#fd = null;
  };
}

/**
 * The SQLite database as the process shares it: statements outside a unit of work wait for it, and
 * one queue runs the units one after another (none sees another's half-done writes).
 *
 * Durability without holding the event loop: the connection commits at synchronous=NORMAL (a
 * commit appends to the WAL and returns), and a durable unit of work (or write) resolves only once
 * the WAL has been synced after its commit (`WalSync`, on libuv's thread pool). That is the
 * guarantee of synchronous=FULL, a commit reported only once it is on the disk, but while the disk
 * works the loop parses, acknowledges and posts other requests, and the commits made meanwhile
 * share one sync. A light write resolves at its commit: a crash of the process keeps it (it is in
 * the OS), a power cut may lose the last ones. What another unit reads of a commit whose sync is
 * still on its way (a few milliseconds) is likewise lost to a power cut in that window.
 * Without WAL (in memory, or read-only) there is no sync: the connection keeps its own setting.
 */
export class SqliteConn implements Conn {
  readonly dialect = 'sqlite' as const;
  readonly #main: Side;
  readonly #wal: WalSync | null;
  readonly #queue = new Queue();
  /** Set while a unit of work runs: a statement on the database itself from inside it is a bug. */
  readonly #inside = new AsyncLocalStorage<{ active: boolean }>();
  constructor(
    readonly db: Database.Database,
    o: { readonly datasync?: WalSync['datasync'] } = {},
  ) {
    this.#main = side(db);
    const wal = !db.memory && !db.readonly && db.pragma('journal_mode', { simple: true }) === 'wal';
    this.#wal = wal ? new WalSync(`${db.name}-wal`, o.datasync) : null;
    if (wal) db.pragma('synchronous = NORMAL');
  }
  get inTransaction(): boolean {
    return false;
  }
  get onStatement(): ((sql: string) => void) | undefined {
    return this.#main.st.onStatement;
  }
  set onStatement(fn: ((sql: string) => void) | undefined) {
    this.#main.st.onStatement = fn;
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
    return this.#statement(
      sql,
      (s) => s.all(...params) as R[],
      (rows) => rows.length > 0,
    );
  }
  get<R>(
    sql: string,
    params: readonly Param[] = [],
    opts?: { light?: boolean },
  ): Promise<R | undefined> {
    return this.#statement(
      sql,
      (s) => s.get(...params) as R | undefined,
      (row) => row !== undefined,
      opts?.light,
    );
  }
  run(sql: string, params: readonly Param[] = [], opts?: { light?: boolean }): Promise<number> {
    return this.#statement(
      sql,
      (s) => s.run(...params).changes,
      (changes) => changes > 0,
      opts?.light,
    );
  }
  /**
   * One statement outside any unit of work (a transaction of its own). A write that changed rows
   * (an `INSERT … RETURNING` read through `get` or `all` too: its rows are those it changed)
   * resolves once the WAL is synced, unless it is light.
   */
  async #statement<T>(
    sql: string,
    use: (s: Stmt) => T,
    changed: (out: T) => boolean,
    light?: boolean,
  ): Promise<T> {
    let wrote = false;
    const out = await this.#when(() => {
      const s = this.#main.st.of(sql);
      const result = use(s);
      wrote = !s.readonly && changed(result);
      return result;
    });
    if (wrote && !light) await this.#synced();
    return out;
  }
  /**
   * On the one connection a statement from inside a running unit of work, not through its `tx`,
   * would wait for that unit forever: it is refused instead, as the bug it is.
   */
  #outside(): void {
    if (this.#inside.getStore()?.active)
      throw new Error('a statement inside a unit of work must go through its tx, not the database');
  }
  async transaction<T>(fn: (c: Conn) => Promise<T>, opts?: { light?: boolean }): Promise<T> {
    this.#outside();
    const { db, st, tx } = this.#main;
    const out = await this.#queue.run(async () => {
      st.of('BEGIN IMMEDIATE').run();
      const flag = { active: true };
      try {
        const result = await this.#inside.run(flag, () => fn(tx));
        st.of('COMMIT').run();
        return result;
      } catch (e) {
        if (db.inTransaction) st.of('ROLLBACK').run();
        throw e;
      } finally {
        flag.active = false;
      }
    });
    // Outside the queue: the next unit runs while this one's commit reaches the disk.
    if (!opts?.light) await this.#synced();
    return out;
  }
  savepoint<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.transaction(fn);
  }
  /** The WAL on the disk, up to at least every commit made so far (nothing where there is no WAL). */
  #synced(): Promise<void> {
    return this.#wal && !this.#unsynced ? this.#wal.sync() : Promise.resolve();
  }
  #unsynced = false;
  /**
   * From now on commits wait for no sync: synchronous=NORMAL alone, whose last commits a power cut
   * may lose. For the benchmark's row that prices the sync, nothing else.
   */
  withoutSync(): void {
    this.#unsynced = true;
  }
  /** Closes the database (the WAL file once its last sync is done). */
  close(): void {
    this.#wal?.close();
    if (this.db.open) this.db.close();
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
  protected async query(sql: string, params: readonly Param[]): Promise<pg.QueryResult> {
    this.onStatement?.(sql);
    try {
      return await this.pool.query(pgStatement(sql, params));
    } catch (e) {
      if (!replanned(e, sql)) throw e;
      return this.pool.query(pgStatement(sql, params));
    }
  }
  async run(
    sql: string,
    params: readonly Param[] = [],
    opts?: { light?: boolean },
  ): Promise<number> {
    if (opts?.light) {
      if (!this.lightPool) return this.transaction((c) => c.run(sql, params), { light: true });
      return (await this.#light(this.lightPool, sql, params)).rowCount ?? 0;
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
    return (await this.#light(this.lightPool, sql, params)).rows[0] as R | undefined;
  }
  /** One statement on the light writes' connections (synchronous_commit off for the session). */
  async #light(pool: pg.Pool, sql: string, params: readonly Param[]): Promise<pg.QueryResult> {
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
