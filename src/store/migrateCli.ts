/**
 * `npm run migrate` (`node dist/app/store/migrateCli.js`): brings the database to this build's
 * schema without starting the bot (the bot does the same on start): the PostgreSQL database at
 * DATABASE_URL, else the SQLite file at DATABASE_PATH (./data/amends.db by default). Prints the
 * version it is at. On PostgreSQL the migrator holds an advisory lock: replicas or migrate jobs
 * started together migrate once.
 *
 * `npm run migrate -- --check`: changes nothing; one line, and exit 0 when the database is at this
 * build's version, 1 when it is behind (or does not exist yet), 2 when it is newer than this build.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  migratePostgres,
  openDatabase,
  postgresVersion,
  SCHEMA_VERSION,
  sqliteVersion,
} from './db.js';

export async function runMigrate(env: NodeJS.ProcessEnv): Promise<string> {
  const url = env.DATABASE_URL?.trim() || null;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error('DATABASE_URL must be a PostgreSQL URL such as postgres://host:5432/amends');
    const u = new URL(url);
    const name = `postgres://${u.host}${u.pathname}`; // without its user and password
    const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'amends-migrate' });
    try {
      const was = await postgresVersion(pool);
      await migratePostgres(pool);
      return said(name, was, await postgresVersion(pool));
    } finally {
      await pool.end();
    }
  }
  const path = env.DATABASE_PATH?.trim() || './data/amends.db';
  const was = existsSync(path) ? versionOf(path) : 0;
  const db = openDatabase(path); // creates the file if needed, and migrates
  try {
    return said(path, was, sqliteVersion(db));
  } finally {
    db.close();
  }
}

/** What `--check` found: the line to print and the exit code (0 current, 1 behind, 2 newer). */
export async function checkMigrate(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; line: string }> {
  const url = env.DATABASE_URL?.trim() || null;
  let name: string;
  let version: number;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error('DATABASE_URL must be a PostgreSQL URL such as postgres://host:5432/amends');
    const u = new URL(url);
    name = `postgres://${u.host}${u.pathname}`;
    const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'amends-migrate' });
    try {
      version = await postgresVersion(pool);
    } finally {
      await pool.end();
    }
  } else {
    name = env.DATABASE_PATH?.trim() || './data/amends.db';
    if (!existsSync(name))
      return {
        code: 1,
        line: `${name} does not exist yet: npm run migrate creates it at schema version ${SCHEMA_VERSION}`,
      };
    version = versionOf(name);
  }
  if (version === SCHEMA_VERSION)
    return { code: 0, line: `${name} is at schema version ${version}, this build's` };
  if (version < SCHEMA_VERSION)
    return {
      code: 1,
      line: `${name} is at schema version ${version}, behind this build's ${SCHEMA_VERSION}: run npm run migrate`,
    };
  return {
    code: 2,
    line: `${name} is at schema version ${version}, newer than this build's ${SCHEMA_VERSION}: run a newer Amends`,
  };
}

/** A SQLite file's version, read without changing it. */
function versionOf(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return sqliteVersion(db);
  } finally {
    db.close();
  }
}

/** What was done: `was` is the version before (0: a new database). */
function said(name: string, was: number, now: number): string {
  if (was === 0) return `Created ${name} at schema version ${now}`;
  if (was < now) return `Migrated ${name} from schema version ${was} to ${now}`;
  return `${name} is at schema version ${now}, this build's (${SCHEMA_VERSION})`;
}

const invoked = process.argv[1];
if (
  invoked &&
  existsSync(invoked) &&
  import.meta.url === pathToFileURL(realpathSync(invoked)).href
) {
  let check = false;
  try {
    check =
      parseArgs({ options: { check: { type: 'boolean' } }, strict: true }).values.check ?? false;
  } catch (e) {
    console.error(`amends migrate: ${(e as Error).message} (the only option is --check)`);
    process.exit(64);
  }
  (check
    ? checkMigrate(process.env).then(({ code, line }) => {
        (code === 0 ? console.log : console.error)(line);
        process.exitCode = code;
      })
    : runMigrate(process.env).then((out) => console.log(out))
  ).catch((e: unknown) => {
    console.error(`amends migrate: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
