/**
 * `node dist/app/migrateCli.js`: brings the database to this build's schema without starting the
 * bot (the bot does the same on start): the PostgreSQL database at DATABASE_URL, else the SQLite
 * file at DATABASE_PATH (./data/amends.db by default). Prints the version it is at.
 */
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
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
  runMigrate(process.env).then(
    (out) => console.log(out),
    (e: unknown) => {
      console.error(`amends migrate: ${(e as Error).message}`);
      process.exitCode = 1;
    },
  );
}
