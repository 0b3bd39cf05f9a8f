import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migratePostgres, openDatabase } from './db.js';

/** What a copy moved: rows per table, in the order the tables were copied. */
export type CopyReport = ReadonlyArray<{ readonly table: string; readonly rows: number }>;

/** The bookkeeping tables each engine keeps for itself: never copied. */
const OWN = new Set(['amends_schema']);

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const PARAMS_PER_INSERT = 30_000;

/**
 * Copies a SQLite database into an empty PostgreSQL one, in one PostgreSQL transaction: every row of
 * every table, parents before children, ids kept (and each id sequence moved past the largest), so
 * a PostgreSQL-backed bot opens every case as it was. The source is first brought to this build's
 * schema (the bot does the same on start). A target holding any row is refused, and nothing is
 * written; so is a table the target does not have.
 */
export async function copySqliteToPostgres(from: string, to: string): Promise<CopyReport> {
  if (!existsSync(from)) throw new Error(`No SQLite database at ${from}`);
  if (!/^postgres(ql)?:\/\//.test(to))
    throw new Error(`The target must be a PostgreSQL URL (postgres://…), not ${to}`);
  openDatabase(from).close(); // migrated to this build's schema, as the bot would on start
  const src = new Database(from, { readonly: true, fileMustExist: true });
  const pool = new pg.Pool({ connectionString: to, max: 1 });
  try {
    await migratePostgres(pool);
    const tables = inDependencyOrder(src);
    const client = await pool.connect();
    try {
      const present = new Set(
        (
          await client.query<{ table_name: string }>(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`,
          )
        ).rows.map((r) => r.table_name),
      );
      const missing = tables.filter((t) => !present.has(t));
      if (missing.length > 0)
        throw new Error(`The target has no table ${missing.join(', ')}: is it an Amends database?`);
      const full: string[] = [];
      for (const t of [...present].filter((t) => !OWN.has(t)))
        if ((await client.query(`SELECT 1 FROM ${quote(t)} LIMIT 1`)).rowCount) full.push(t);
      if (full.length > 0)
        throw new Error(
          `The target is not empty (rows in ${full.join(', ')}): copy into an empty database`,
        );
      const report: { table: string; rows: number }[] = [];
      await client.query('BEGIN');
      try {
        for (const table of tables)
          report.push({ table, rows: await copyTable(src, client, table) });
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
      return report;
    } finally {
      client.release();
    }
  } finally {
    src.close();
    await pool.end();
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The source's tables, each after the tables its foreign keys point to. */
function inDependencyOrder(src: Database.Database): string[] {
  const names = (
    src
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    .filter((n) => !OWN.has(n));
  const parents = new Map(
    names.map((n) => [
      n,
      (src.prepare(`PRAGMA foreign_key_list(${quote(n)})`).all() as { table: string }[])
        .map((f) => f.table)
        .filter((p) => p !== n),
    ]),
  );
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const p of parents.get(n) ?? []) if (parents.has(p)) visit(p);
    out.push(n);
  };
  for (const n of names) visit(n);
  return out;
}

async function copyTable(
  src: Database.Database,
  client: pg.PoolClient,
  table: string,
): Promise<number> {
  const srcCols = (
    src.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]
  ).map((c) => c.name);
  const dst = await client.query<{ column_name: string; is_identity: string }>(
    `SELECT column_name, is_identity FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1`,
    [table],
  );
  const dstCols = new Set(dst.rows.map((r) => r.column_name));
  const lost = srcCols.filter((c) => !dstCols.has(c));
  if (lost.length > 0)
    throw new Error(`The target's ${table} has no column ${lost.join(', ')}: schemas differ`);
  const cols = srcCols;
  const perInsert = Math.max(1, Math.floor(PARAMS_PER_INSERT / cols.length));
  const insert = (n: number) =>
    `INSERT INTO ${quote(table)} (${cols.map(quote).join(', ')}) OVERRIDING SYSTEM VALUE VALUES ${Array.from(
      { length: n },
      (_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(', ')})`,
    ).join(', ')}`;
  let rows = 0;
  let batch: unknown[] = [];
  let inBatch = 0;
  const flush = async () => {
    if (inBatch === 0) return;
    await client.query(insert(inBatch), batch);
    rows += inBatch;
    batch = [];
    inBatch = 0;
  };
  const read = src.prepare(`SELECT ${cols.map(quote).join(', ')} FROM ${quote(table)}`).raw();
  for (const r of read.iterate() as IterableIterator<unknown[]>) {
    batch.push(...r);
    inBatch += 1;
    if (inBatch === perInsert) await flush();
  }
  await flush();
  for (const c of dst.rows.filter((r) => r.is_identity === 'YES'))
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${quote(c.column_name)}) FROM ${quote(table)}), 0) + 1, false)`,
      [table, c.column_name],
    );
  return rows;
}
