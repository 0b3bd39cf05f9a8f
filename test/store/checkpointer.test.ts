import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/checkpointer.js';
import { openDatabase } from '../../src/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'amends-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('background checkpoints', () => {
  /** A database with ~1 MB of rows in its WAL, and a checkpointer on it that never fires alone. */
  function walFull(name: string) {
    const file = join(dir, name);
    const db = openDatabase(file);
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
    const ins = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 2000; i++) ins.run('x'.repeat(500));
    const walBefore = statSync(`${file}-wal`).size;
    expect(walBefore).toBeGreaterThan(1_000_000); // nothing checkpointed on the main thread

    const failures: Error[] = [];
    // An interval long enough never to fire here: the checkpoint below is the worker's, on demand.
    const ckpt = startCheckpointer(file, (e) => failures.push(e), 3_600_000);
    return { file, db, ckpt, failures };
  }

  it('copy the WAL back into the database off the main thread', async () => {
    const { file, db, ckpt, failures } = walFull('a.db');
    // The database file itself only grows when a checkpoint copies pages into it: here, the worker's.
    const dbBefore = statSync(file).size;
    await ckpt.checkpoint();
    expect(dbBefore).toBeLessThan(100_000);
    expect(statSync(file).size).toBeGreaterThan(900_000); // ~1 MB of rows
    await ckpt.stop();
    expect(failures).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n).toBe(2000);
    db.close();
  });

  it('truncate the WAL on stop', async () => {
    const { file, db, ckpt, failures } = walFull('b.db');
    await ckpt.checkpoint();
    await ckpt.stop();
    expect(statSync(`${file}-wal`).size).toBe(0);
    expect(failures).toEqual([]);
    db.close();
  });
});
