/**
 * SQLite's durability off the event loop (store/sql.ts SqliteConn, WalSync): a durable unit of work
 * resolves only once the WAL has been synced after its commit; light writes do not wait; commits
 * made while a sync is on its way share the next one; a failed sync fails the unit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/db.js';
import { SqliteConn, type WalSync } from '../../src/store/sql.js';

/** A datasync that holds each call until the test lets it go (or fails it). */
function heldSyncs() {
  const calls: { fd: number; done: (e: Error | null) => void }[] = [];
  const datasync: WalSync['datasync'] = (fd, cb) => {
    calls.push({ fd, done: cb });
  };
  return { calls, datasync };
}

/** Whether a promise has settled, after the microtasks and one turn of the loop. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise<void>((r) => setImmediate(r));
  return done;
}

const PAUSE = 'INSERT INTO workspaces (team_id, paused_reason, paused_at) VALUES (?, ?, ?)';

describe('SQLite: the WAL synced off the event loop', () => {
  let dir: string;
  let db: Database.Database;
  let syncs: ReturnType<typeof heldSyncs>;
  let conn: SqliteConn;
  const paused = async (team: string) =>
    (
      await conn.get<{ paused_reason: string }>(
        'SELECT paused_reason FROM workspaces WHERE team_id = ?',
        [team],
      )
    )?.paused_reason ?? null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'amends-walsync-'));
    db = openDatabase(join(dir, 'amends.db'));
    syncs = heldSyncs();
    conn = new SqliteConn(db, { datasync: syncs.datasync });
  });
  afterEach(() => {
    for (const c of syncs.calls) c.done(null);
    conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the connection commits at synchronous=NORMAL (the sync is the store’s own)', () => {
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('a durable unit resolves only after a WAL sync that began after its commit', async () => {
    const unit = conn.transaction(async (tx) => tx.run(PAUSE, ['T1', 'r', 1]));
    expect(await settled(unit)).toBe(false);
    // Committed already (another reader sees it); the sync is what the unit waits for.
    expect(await paused('T1')).toBe('r');
    expect(syncs.calls).toHaveLength(1);
    syncs.calls[0]?.done(null);
    await expect(unit).resolves.toBe(1);
  });

  it('a durable write outside a unit waits for the sync too', async () => {
    const write = conn.run(PAUSE, ['T1', 'r', 1]);
    expect(await settled(write)).toBe(false);
    syncs.calls[0]?.done(null);
    await expect(write).resolves.toBe(1);
  });

  it('a write read through get (INSERT … RETURNING) waits for the sync too', async () => {
    const write = conn.get<{ team_id: string }>(`${PAUSE} RETURNING team_id`, ['T1', 'r', 1]);
    expect(await settled(write)).toBe(false);
    syncs.calls[0]?.done(null);
    await expect(write).resolves.toEqual({ team_id: 'T1' });
  });

  it('a read waits for no sync', async () => {
    await conn.run(PAUSE, ['T1', 'r', 1], { light: true });
    await expect(paused('T1')).resolves.toBe('r');
    await expect(conn.all('SELECT team_id FROM workspaces')).resolves.toHaveLength(1);
    expect(syncs.calls).toHaveLength(0);
  });

  it('a light write resolves without a sync', async () => {
    await expect(conn.run(PAUSE, ['T1', 'r', 1], { light: true })).resolves.toBe(1);
    await expect(
      conn.transaction(async (tx) => tx.run(PAUSE, ['T2', 'r', 1]), { light: true }),
    ).resolves.toBe(1);
    expect(syncs.calls).toHaveLength(0);
  });

  it('a write that changed nothing waits for no sync', async () => {
    await expect(conn.run('DELETE FROM workspaces WHERE team_id = ?', ['none'])).resolves.toBe(0);
    expect(syncs.calls).toHaveLength(0);
  });

  it('the next unit runs while one waits for its sync', async () => {
    const first = conn.transaction(async (tx) => tx.run(PAUSE, ['T1', 'r', 1]));
    const second = conn.transaction(async (tx) => tx.run(PAUSE, ['T2', 'r', 1]));
    expect(await settled(first)).toBe(false);
    // The second unit committed while the first one's sync was on its way.
    expect(await paused('T2')).toBe('r');
    expect(await settled(second)).toBe(false);
  });

  it('commits made while a sync is on its way share the next one, not the running one', async () => {
    const first = conn.transaction(async (tx) => tx.run(PAUSE, ['T1', 'r', 1]));
    await settled(first);
    const second = conn.transaction(async (tx) => tx.run(PAUSE, ['T2', 'r', 1]));
    const third = conn.transaction(async (tx) => tx.run(PAUSE, ['T3', 'r', 1]));
    await settled(third);
    expect(syncs.calls).toHaveLength(1);
    syncs.calls[0]?.done(null);
    await first;
    // The running sync may have missed the later commits: they wait for one more, one for both.
    expect(await settled(second)).toBe(false);
    expect(syncs.calls).toHaveLength(2);
    syncs.calls[1]?.done(null);
    await expect(Promise.all([second, third])).resolves.toEqual([1, 1]);
    expect(syncs.calls).toHaveLength(2);
  });

  it('a failed sync fails the unit with the disk’s error', async () => {
    const unit = conn.transaction(async (tx) => tx.run(PAUSE, ['T1', 'r', 1]));
    await settled(unit);
    syncs.calls[0]?.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(unit).rejects.toThrow(/EIO/);
  });

  it('syncs the WAL file itself', async () => {
    const real = new SqliteConn(openDatabase(join(dir, 'real.db')));
    try {
      // fs.fdatasync on the real file: resolves, and the row is there.
      await expect(real.transaction(async (tx) => tx.run(PAUSE, ['T1', 'r', 1]))).resolves.toBe(1);
    } finally {
      real.close();
    }
  });

  it('an in-memory database has no WAL: its units wait for no sync', async () => {
    const memory = new SqliteConn(openDatabase(':memory:'), { datasync: syncs.datasync });
    try {
      await expect(memory.transaction(async (tx) => tx.run(PAUSE, ['T1', 'r', 1]))).resolves.toBe(
        1,
      );
      expect(syncs.calls).toHaveLength(0);
    } finally {
      memory.close();
    }
  });
});
