import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Transactor } from '../../src/services/ports.js';
import { type Db, openDatabase, transactor } from '../../src/store/db.js';

let dir: string;
let path: string;
let db: Db;
let tx: Transactor;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'amends-tx-'));
  path = join(dir, 'amends.db');
  db = openDatabase(path);
  db.exec('CREATE TABLE t (v INTEGER NOT NULL)');
  tx = transactor(db);
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (v: number) => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
const values = () =>
  (db.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);

describe('the store transactor (services/ports Transactor)', () => {
  it('commits what fn wrote and returns its result; a throw rolls all of it back', () => {
    expect(
      tx.run(() => {
        insert(1);
        return 'done';
      }),
    ).toBe('done');
    expect(() =>
      tx.run(() => {
        insert(2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(values()).toEqual([1]);
    expect(db.inTransaction).toBe(false);
  });

  it('nested, it is a savepoint: a failing inner run loses only its own writes', () => {
    const n = tx.run(() => {
      insert(1);
      let ok = 0;
      for (const v of [2, 3, 4]) {
        try {
          tx.run(() => {
            insert(v);
            if (v === 3) throw new Error('broken');
          });
          ok++;
        } catch {
          // the batch goes on
        }
      }
      return ok;
    });
    expect(n).toBe(2);
    expect(values()).toEqual([1, 2, 4]);
  });

  it('takes the write lock up front (BEGIN IMMEDIATE), so another connection waits to write', () => {
    const other = new Database(path, { timeout: 0 });
    try {
      tx.run(() => {
        // Nothing written yet, and still another writer is refused: the lock came with BEGIN.
        expect(() => other.prepare('INSERT INTO t (v) VALUES (9)').run()).toThrow(/locked|busy/i);
      });
      other.prepare('INSERT INTO t (v) VALUES (9)').run();
      expect(values()).toEqual([9]);
    } finally {
      other.close();
    }
  });
});
