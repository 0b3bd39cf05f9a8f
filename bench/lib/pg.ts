import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * The PostgreSQL server the benchmark's PostgreSQL rows run on, and the databases it makes there.
 * Each row gets a database of its own, created for it and dropped after it (DROP … WITH (FORCE):
 * PostgreSQL 13 or later). The bench's admin statements live here; the bot's own SQL stays in
 * src/store.
 */

/** A server the caller runs (`AMENDS_BENCH_DATABASE_URL`), else the one at 127.0.0.1:5432. */
const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

export type PgFound = { url: string; origin: string } | { missing: string };

/** True when `url` accepts a connection and a query within a few seconds. */
export async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Where the PostgreSQL rows run, or in one line why they are skipped. */
export async function findBenchPostgres(): Promise<PgFound> {
  const given = process.env.AMENDS_BENCH_DATABASE_URL;
  let found: { url: string; origin: string };
  if (given) {
    if (!(await answers(given)))
      return { missing: 'AMENDS_BENCH_DATABASE_URL is set but its server does not answer' };
    found = { url: given, origin: 'AMENDS_BENCH_DATABASE_URL' };
  } else if (await answers(LOCAL)) found = { url: LOCAL, origin: '127.0.0.1:5432 (user postgres)' };
  else
    return {
      missing: 'AMENDS_BENCH_DATABASE_URL is not set and no PostgreSQL answers at 127.0.0.1:5432',
    };
  // Every row makes a database of its own: a user that may not is found out now, not mid-run.
  try {
    await (await createDatabase(found.url, 'probe')).drop();
  } catch (e) {
    return {
      missing: `${found.origin} answers, but a database cannot be created and dropped there (${(e as Error).message})`,
    };
  }
  return found;
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function onServer<T>(server: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** Every database this run made and has not dropped yet (dropped on the way out of a failure). */
const made = new Map<string, string>();

/**
 * A new database on `server` (empty, or a copy of `template`, which nobody may be connected to).
 * Its name starts with amends_bench_ and `tag`.
 */
export async function createDatabase(
  server: string,
  tag: string,
  template?: string,
): Promise<BenchDatabase> {
  const name = `amends_bench_${tag}_${randomBytes(3).toString('hex')}`;
  await onServer(server, (c) =>
    c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`),
  );
  made.set(name, server);
  return {
    name,
    url: withDatabase(server, name),
    drop: async () => {
      if (!made.has(name)) return;
      made.delete(name);
      await onServer(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Drops what is left (a row that failed half-way). Never rejects. */
export async function dropLeftDatabases(): Promise<void> {
  for (const [name, server] of [...made]) {
    made.delete(name);
    await onServer(server, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(
      () => {},
    );
  }
}

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (100 on every mainstream Linux). */
const TICKS_PER_S = 100;

function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

export interface BackendCpu {
  /** CPU ms the backends of the database used since the watch began (null: not measurable). */
  stop(): Promise<number | null>;
}

/**
 * The CPU time of the server processes (backends) serving one database, read from /proc every
 * second: only for a server on this machine. The server's shared processes (WAL writer,
 * checkpointer, background writer) are not counted. A backend seen first after the start counts
 * from zero (a connection the pool opened during the row); one gone before a sample counts up to
 * the last sample that saw it.
 */
export async function watchBackends(server: string, database: string): Promise<BackendCpu> {
  const host = new URL(server).hostname;
  const local = ['127.0.0.1', 'localhost', '::1', '[::1]', ''].includes(host);
  if (!local || cpuTicks(process.pid) === null) return { stop: async () => null };
  const c = new pg.Client({ connectionString: server });
  c.on('error', () => {});
  await c.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let seenBefore = false;
  const sample = async () => {
    const r = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    for (const { pid } of r.rows) {
      const t = cpuTicks(pid);
      if (t === null) continue;
      if (!first.has(pid)) first.set(pid, seenBefore ? 0 : t);
      last.set(pid, t);
    }
    seenBefore = true;
  };
  await sample();
  let sampling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => {});
  }, 1000);
  timer.unref();
  let stopped: Promise<number> | null = null;
  return {
    stop: () => {
      stopped ??= (async () => {
        clearInterval(timer);
        await sampling;
        await sample().catch(() => {});
        await c.end().catch(() => {});
        let ticks = 0;
        for (const [pid, t] of last) ticks += t - (first.get(pid) ?? t);
        return (ticks * 1000) / TICKS_PER_S;
      })();
      return stopped;
    },
  };
}
