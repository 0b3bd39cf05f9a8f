/**
 * On PostgreSQL each statement text is prepared once per connection (named), so the server parses
 * and plans it once. Another process changing a table under a prepared `SELECT *` (a migration by
 * a replica that was upgraded first) makes the server refuse that statement: it is prepared afresh
 * and the work goes through, on its own or in a transaction.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgConn } from '../../src/store/sql.js';
import { describePostgres, freshPgDatabase, type PgDatabase } from '../helpers/postgres.js';

describePostgres('prepared statements', () => {
  let db: PgDatabase;
  let pool: pg.Pool;
  let conn: PgConn;
  beforeAll(async () => {
    db = await freshPgDatabase();
    // One connection: every statement below meets the one prepared before.
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
    conn = new PgConn(pool);
    await conn.run('CREATE TABLE t (a INTEGER NOT NULL)');
    await conn.run('INSERT INTO t (a) VALUES (?)', [1]);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** A column added by another process (its own connection). */
  async function addColumn(name: string): Promise<void> {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`ALTER TABLE t ADD COLUMN ${name} INTEGER NOT NULL DEFAULT 7`);
    } finally {
      await other.end();
    }
  }

  const SELECT = 'SELECT * FROM t WHERE a = ?';

  it('are prepared once per connection and text', async () => {
    const seen: string[] = [];
    const client = await pool.connect();
    const before = Object.keys(
      (client as unknown as { connection: { parsedStatements: object } }).connection
        .parsedStatements,
    ).length;
    client.release();
    conn.onStatement = (sql) => seen.push(sql);
    for (let i = 0; i < 3; i++) expect(await conn.all(SELECT, [1])).toEqual([{ a: 1 }]);
    conn.onStatement = undefined;
    const c2 = await pool.connect();
    const parsed = (c2 as unknown as { connection: { parsedStatements: object } }).connection
      .parsedStatements;
    c2.release();
    expect(seen).toHaveLength(3);
    expect(Object.keys(parsed).length - before).toBe(1);
  });

  it('a statement whose table changed under it is prepared again, alone or in a transaction', async () => {
    expect(await conn.all(SELECT, [1])).toEqual([{ a: 1 }]);
    await addColumn('b');
    expect(await conn.all(SELECT, [1])).toEqual([{ a: 1, b: 7 }]);
    await addColumn('c');
    const inTx = await conn.transaction(async (tx) => {
      await tx.run('UPDATE t SET a = a + 1');
      return tx.all(SELECT, [2]);
    });
    // Run again whole after the refusal: the update counted once.
    expect(inTx).toEqual([{ a: 2, b: 7, c: 7 }]);
    expect(await conn.all('SELECT a FROM t')).toEqual([{ a: 2 }]);
  });
});
