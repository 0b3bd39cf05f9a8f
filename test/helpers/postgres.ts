/**
 * A real PostgreSQL for the tests. The global setup (test/setup/postgres.ts) finds one once per
 * run and hands its URL to the test files; each file takes a database of its own from it.
 *
 * Where the server comes from, first that works:
 * 1. `AMENDS_TEST_DATABASE_URL` (a server the caller runs; its user may create databases);
 * 2. a throwaway cluster from the system binaries (`initdb`, `pg_ctl` on PATH or under
 *    /usr/lib/postgresql/<version>/bin) in a temporary folder, on a free port, trust auth, no fsync:
 *    about a second, stopped and deleted at the end of the run (as root, initdb refuses to run: the
 *    cluster belongs to the `postgres` user);
 * 3. a server answering at 127.0.0.1:5432 as user postgres.
 * Else the PostgreSQL suites are skipped, and the setup says why in one line; under CI=true the run
 * fails instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { describe, inject } from 'vitest';
import { answers } from '../../bench/lib/pg.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server for the tests ('' when there is none). */
    amendsPgUrl: string;
    /** Why there is none ('' when there is one). */
    amendsPgMissing: string;
  }
}

/** A PostgreSQL server the run uses, and how to let it go. */
export interface PgServer {
  readonly url: string;
  /** Where it came from, for the one line the setup prints. */
  readonly origin: string;
  stop(): Promise<void>;
}

/** Either a server or why there is none. */
export type PgFound =
  | { server: PgServer; missing?: undefined }
  | { server?: undefined; missing: string };

/** The directory holding initdb and pg_ctl, or null. */
export function postgresBinDir(): string | null {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && has(dir)) return dir;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(join(root, v, 'bin'))) return join(root, v, 'bin');
  }
  return null;
}

/** A TCP port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The uid and gid of a system user, or null. */
function userIds(name: string): { uid: number; gid: number } | null {
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) return null;
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Starts a throwaway cluster from the binaries in `bin`. As root the cluster is the `postgres`
 * user's (initdb refuses root), run through runuser.
 */
async function startCluster(bin: string): Promise<PgServer> {
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? userIds('postgres') : null;
  if (asRoot && !owner) throw new Error('running as root and there is no postgres user');
  // As root, under /tmp: the postgres user must be able to reach the folder.
  const dir = mkdtempSync(join(owner && existsSync('/tmp') ? '/tmp' : tmpdir(), 'amends-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, argv] = owner
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    // cwd: the postgres user may not be able to read ours.
    return execFileSync(cmd, argv, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  };
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    // The free port may be taken before the server binds it: another one, then.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const opts = [
        '-F',
        `-p ${port}`,
        `-k ${dir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', '-o', opts, 'start']);
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      origin: `a throwaway cluster (${bin}) on port ${port}`,
      stop: async () => {
        try {
          run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${err.message.split('\n')[0]} ${err.stderr ?? ''}`.trim());
  }
}

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Finds (or starts) the PostgreSQL server for this run: see the top of this file. */
export async function findPostgres(): Promise<PgFound> {
  const given = process.env.AMENDS_TEST_DATABASE_URL;
  if (given) {
    if (await answers(given))
      return { server: { url: given, origin: 'AMENDS_TEST_DATABASE_URL', stop: async () => {} } };
    return { missing: 'AMENDS_TEST_DATABASE_URL is set but its server does not answer' };
  }
  const bin = postgresBinDir();
  let failed = '';
  if (bin) {
    try {
      return { server: await startCluster(bin) };
    } catch (e) {
      failed = `starting a cluster from ${bin} failed (${(e as Error).message})`;
    }
  }
  if (await answers(LOCAL)) return { server: { url: LOCAL, origin: LOCAL, stop: async () => {} } };
  const why = failed || 'no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin';
  return {
    missing: `${why}, AMENDS_TEST_DATABASE_URL is not set and nothing answers at 127.0.0.1:5432`,
  };
}

/** The run's PostgreSQL server, or null when the PostgreSQL suites are skipped. */
export function pgServerUrl(): string | null {
  return inject('amendsPgUrl') || null;
}

/** A database of its own on the run's server, and how to drop it. */
export interface PgDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function onServer<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const server = pgServerUrl();
  if (!server) throw new Error(`no PostgreSQL for the tests: ${inject('amendsPgMissing')}`);
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a uniquely named, empty database on the run's server. */
export async function freshPgDatabase(): Promise<PgDatabase> {
  const name = `amends_t_${process.pid}_${randomBytes(5).toString('hex')}`;
  await onServer((c) => c.query(`CREATE DATABASE ${name}`));
  const u = new URL(pgServerUrl() as string);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await onServer(async (c) => {
        // A pool's end() returns before its sockets are closed: give the last backends a moment
        // to go, rather than terminate them (a pool without an error listener would throw).
        for (let i = 0; i < 100; i++) {
          const left = await c.query(
            'SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (left.rows[0]?.n === 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } catch (e) {
          if ((e as { code?: string }).code !== '42601') throw e; // before PostgreSQL 13
          await c.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [name],
          );
          await c.query(`DROP DATABASE IF EXISTS ${name}`);
        }
      });
    },
  };
}

/** The engines a store suite runs on. */
export type EngineName = 'sqlite' | 'postgres';
export const ENGINES: readonly EngineName[] = ['sqlite', 'postgres'];

/**
 * One suite per engine, named "[sqlite] …" and "[postgres] …" (CI checks the PostgreSQL ones ran);
 * the PostgreSQL one is skipped when the run has no server.
 */
export function describeEngines(title: string, fn: (engine: EngineName) => void): void {
  for (const engine of ENGINES)
    describe.skipIf(engine === 'postgres' && !pgServerUrl())(`[${engine}] ${title}`, () =>
      fn(engine),
    );
}

/** A suite that needs PostgreSQL itself, named "[postgres] …", skipped when there is none. */
export function describePostgres(title: string, fn: () => void): void {
  describe.skipIf(!pgServerUrl())(`[postgres] ${title}`, fn);
}
