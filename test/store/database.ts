/**
 * The database itself, for tests outside test/store/ whose subject is what only the database can
 * show or do: the bytes stored in the file, its schema version, a disk that fills up or turns
 * read-only. The SQL stays here, under test/store/ (test/lint.test.ts); everything else a test
 * plants or reads goes through the repositories (test/helpers/).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../../src/store/index.js';
import { pgServerUrl } from '../helpers/postgres.js';

/** The store's SQLite database; throws on PostgreSQL (the caller's test is SQLite's own). */
export function sqliteOf(store: Store): Database.Database {
  if (!store.sqlite) throw new Error('this test needs the SQLite store');
  return store.sqlite;
}

/**
 * The database may not grow by a page from now on: what a full disk does to a write (SQLite).
 * Returns the function that lets it grow again.
 */
export function fillTheDisk(store: Store): () => void {
  const db = sqliteOf(store);
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return () => void db.pragma('max_page_count = 1073741823');
}

/**
 * From now on every write fails as on a full disk (SQLITE_FULL), on every connection of the store:
 * the ts of a post is a light write, which SQLite makes on a connection of its own, out of reach of
 * a pragma set on the main one. Reads go on. Returns the function that frees the disk again.
 */
export function failEveryWrite(store: Store): () => void {
  const conn = store.conn;
  const before = conn.onStatement;
  conn.onStatement = (sql) => {
    before?.(sql);
    if (/^\s*(INSERT|UPDATE|DELETE)\b/i.test(sql))
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  };
  return () => {
    conn.onStatement = before;
  };
}

/** Every write is refused from now on, reads go on (SQLite's query_only). Returns the undo. */
export function readOnly(store: Store): () => void {
  const db = sqliteOf(store);
  db.pragma('query_only = ON');
  return () => void db.pragma('query_only = OFF');
}

/** Moves the schema version the store's SQLite database says it is at, as another build would. */
export function setSchemaVersion(store: Store, version: number): void {
  sqliteOf(store).pragma(`user_version = ${Math.trunc(version)}`);
}

/**
 * The database refuses new connections and ends those open, as a server going away does
 * (PostgreSQL). Returns the function that lets connections in again.
 */
export async function refuseConnections(store: Store): Promise<() => Promise<void>> {
  const name = (await store.conn.get<{ d: string }>('SELECT current_database() AS d'))?.d;
  if (!name) throw new Error('this test needs the PostgreSQL store');
  const admin = new pg.Client({ connectionString: pgServerUrl() as string });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  );
  return async () => {
    try {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    } finally {
      await admin.end();
    }
  };
}

/** The installations' stored form, as the file holds it (to show the tokens are sealed at rest). */
export async function storedInstallations(store: Pick<Store, 'conn'>): Promise<string[]> {
  const rows = await store.conn.all<{ sealed: string }>('SELECT sealed FROM installations');
  return rows.map((r) => r.sealed);
}

/**
 * Every stored text value that holds a surrogate: as SQLite bytes (ED A0..BF: a lone surrogate as
 * better-sqlite3 writes it, which reads back as three U+FFFD) or as a JSON escape (`\ud800`, which
 * reads back as the lone surrogate itself); in UTF-8 an ED byte only ever starts a character. On
 * PostgreSQL, whose text is always valid UTF-8, the JSON escapes only. `table.column: text`.
 */
export async function storedSurrogates(store: Store): Promise<string[]> {
  const escaped = (s: string) => /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/.test(s);
  const found: string[] = [];
  if (store.sqlite) {
    const db = store.sqlite;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    for (const { name } of tables) {
      const cols = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[];
      for (const { name: col } of cols) {
        const rows = db
          .prepare(
            `SELECT CAST("${col}" AS BLOB) AS b FROM "${name}" WHERE typeof("${col}") = 'text'`,
          )
          .all() as { b: Buffer }[];
        for (const { b } of rows) {
          const bytes = b.some((x, i) => x === 0xed && (b[i + 1] ?? 0) >= 0xa0);
          const text = b.toString('utf8');
          if (bytes || escaped(text)) found.push(`${name}.${col}: ${text.slice(0, 80)}`);
        }
      }
    }
    return found;
  }
  const cols = await store.conn.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'jsonb', 'json')`,
  );
  for (const { table_name: t, column_name: c } of cols) {
    const rows = await store.conn.all<{ v: string }>(
      `SELECT "${c}"::text AS v FROM "${t}" WHERE "${c}" IS NOT NULL`,
    );
    for (const { v } of rows) if (escaped(v)) found.push(`${t}.${c}: ${v.slice(0, 80)}`);
  }
  return found;
}

/** A SQLite file's schema version moved to `version` (the file already holds a real schema). */
export function fileAtSchemaVersion(path: string, version: number): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma(`user_version = ${Math.trunc(version)}`);
  } finally {
    db.close();
  }
}

/** The schema version a SQLite file says it is at, read without changing the file. */
export function schemaVersionOfFile(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}
