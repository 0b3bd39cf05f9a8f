/**
 * The unit of work (services/ports UnitOfWork) on both engines: one transaction, committed or
 * rolled back whole, savepoints inside. What differs is tested on its engine: SQLite runs units one
 * after another on its one connection (and refuses a statement that bypasses the unit's tx);
 * PostgreSQL holds a pooled connection per unit, and units run side by side.
 */

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { type OpenCaseInput, openCase } from '../../src/domain/recoveryCase.js';
import type { Tx } from '../../src/services/ports.js';
import type { Conn } from '../../src/store/sql.js';
import { openInput } from '../helpers/builders.js';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

const PB = DEFAULT_PLAYBOOK;
const TEAM = 'T0TEAM001';
const NOW = new Date('2026-01-14T10:00:00Z');
const opened = (o: Partial<OpenCaseInput> = {}) =>
  openCase(openInput({ teamId: TEAM, ...o }), PB, NOW);

/** Lets other work on the event loop run (timers, I/O, other units) before going on. */
const turn = () => new Promise<void>((r) => setImmediate(r));

describeEngines('unit of work', (engine) => {
  // synchronous_commit back to on in this database (the run's server has it off), so that a light
  // unit can be seen turning it off.
  const s = storePerTest(engine, { pgSettings: { synchronous_commit: 'on' } });
  const uow = () => s.store.uow;
  const paused = async (...teams: string[]) => {
    const out: string[] = [];
    for (const t of teams) if ((await s.workspaces.pausedReason(t)) !== null) out.push(t);
    return out;
  };
  const count = async (table: string) =>
    (await s.conn.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n;

  const writeTwo = () =>
    uow().run(async (tx) => {
      await tx.workspaces.pause('T1', 'token_revoked', NOW);
      await tx.cases.insert(opened(), NOW);
      return 'done';
    });

  it('returns what fn returned', async () => {
    expect(await writeTwo()).toBe('done');
  });

  it('commits what fn wrote', async () => {
    await writeTwo();
    expect(await paused('T1')).toEqual(['T1']);
    expect(await count('cases')).toBe(1);
    expect(await count('events')).toBe(1);
  });

  it('a case refused as a repeated request inside a unit leaves the unit able to go on', async () => {
    await uow().run(async (tx) => {
      await tx.cases.insert(opened(), NOW, 'trigger-1');
      await expect(tx.cases.insert(opened(), NOW, 'trigger-1')).rejects.toMatchObject({
        code: 'duplicate_request',
      });
      await tx.cases.insert(opened({ client: 'After' }), NOW);
    });
    expect(await count('cases')).toBe(2);
    expect(await count('events')).toBe(2);
  });

  const writeThenThrow = () =>
    uow().run(async (tx) => {
      await tx.workspaces.pause('T2', 'token_revoked', NOW);
      await tx.cases.insert(opened(), NOW);
      await turn();
      throw new Error('boom');
    });

  it('a throw inside reaches the caller', async () => {
    await expect(writeThenThrow()).rejects.toThrow('boom');
  });

  it('a throw rolls all of what fn wrote back', async () => {
    await writeThenThrow().catch(() => {});
    expect(await paused('T2')).toEqual([]);
    expect(await count('cases')).toBe(0);
    expect(await count('events')).toBe(0);
  });

  const failInStore = () =>
    uow().run(async (tx) => {
      await tx.workspaces.pause('T1', 'token_revoked', NOW);
      await tx.cases.require(TEAM, 424242);
    });

  it('a store error inside reaches the caller', async () => {
    await expect(failInStore()).rejects.toMatchObject({ code: 'case_not_found' });
  });

  it('a store error inside rolls the unit back', async () => {
    await failInStore().catch(() => {});
    expect(await paused('T1')).toEqual([]);
  });

  it('reads inside a unit see its own writes', async () => {
    const seen = await uow().run(async (tx) => {
      const c = await tx.cases.insert(opened({ client: 'Inside' }), NOW);
      await tx.workspaces.pause('T1', 'token_revoked', NOW);
      return [(await tx.cases.get(TEAM, c.id))?.client, await tx.workspaces.pausedReason('T1')];
    });
    expect(seen).toEqual(['Inside', 'token_revoked']);
  });

  it('tx.run is a savepoint: a failing inner run loses only its own writes, the unit goes on', async () => {
    const ok = await uow().run(async (tx) => {
      await tx.workspaces.pause('T1', 'r', NOW);
      let n = 0;
      for (const v of [2, 3, 4]) {
        try {
          await tx.run(async (t) => {
            await t.workspaces.pause(`T${v}`, 'r', NOW);
            await turn();
            if (v === 3) throw new Error('broken');
          });
          n++;
        } catch {
          // the batch goes on
        }
      }
      return n;
    });
    expect(ok).toBe(2);
    expect(await paused('T1', 'T2', 'T3', 'T4')).toEqual(['T1', 'T2', 'T4']);
  });

  it('savepoints nest: an inner failure keeps the outer savepoint’s writes', async () => {
    await uow().run(async (tx) => {
      await tx.run(async (outer: Tx) => {
        await outer.workspaces.pause('T1', 'r', NOW);
        await expect(
          outer.run(async (inner) => {
            await inner.workspaces.pause('T2', 'r', NOW);
            throw new Error('inner');
          }),
        ).rejects.toThrow('inner');
        await outer.workspaces.pause('T3', 'r', NOW);
      });
      // and a failing savepoint after a good one
      await expect(
        tx.run(async (t) => {
          await t.workspaces.pause('T4', 'r', NOW);
          throw new Error('second');
        }),
      ).rejects.toThrow('second');
    });
    expect(await paused('T1', 'T2', 'T3', 'T4')).toEqual(['T1', 'T3']);
  });

  it('a throw after a good savepoint rolls the savepoint back with the unit', async () => {
    await expect(
      uow().run(async (tx) => {
        await tx.run(async (t) => t.workspaces.pause('T1', 'r', NOW));
        throw new Error('after');
      }),
    ).rejects.toThrow('after');
    expect(await paused('T1')).toEqual([]);
  });

  it('many units at once all commit, none lost', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        uow().run(async (tx) => {
          await tx.cases.insert(opened({ client: `C${i}` }), NOW);
          await turn();
          await tx.workspaces.pause(`T${i}`, 'r', NOW);
        }),
      ),
    );
    expect(await count('cases')).toBe(20);
    expect(await count('workspaces')).toBe(20);
  });

  if (engine === 'sqlite') {
    describe('on SQLite', () => {
      it('units run one after another, even when they wait inside', async () => {
        const log: string[] = [];
        const unit = (name: string) =>
          uow().run(async (tx) => {
            log.push(`${name} begins`);
            for (let i = 0; i < 3; i++) {
              await turn();
              await tx.workspaces.pause(`${name}${i}`, 'r', NOW);
            }
            log.push(`${name} ends`);
          });
        await Promise.all([unit('A'), unit('B'), unit('C')]);
        expect(log).toEqual(['A begins', 'A ends', 'B begins', 'B ends', 'C begins', 'C ends']);
      });

      it('a statement outside any unit waits for the running unit to commit', async () => {
        let inside!: () => void;
        const entered = new Promise<void>((r) => {
          inside = r;
        });
        const unit = uow().run(async (tx) => {
          await tx.workspaces.pause('T1', 'r', NOW);
          inside();
          for (let i = 0; i < 5; i++) await turn();
        });
        await entered;
        expect(await s.workspaces.pausedReason('T1')).toBe('r');
        await unit;
      });

      /** A unit that writes through tx, then reads on the plain repositories. */
      const bypassTx = () =>
        uow().run(async (tx) => {
          await tx.workspaces.pause('T1', 'r', NOW);
          await s.workspaces.pausedReason('T1'); // not through tx: would wait for itself
        });

      it('a unit that bypasses its tx rolls back', async () => {
        await bypassTx().catch(() => {});
        await uow()
          .run(async () => s.cases.insert(opened(), NOW))
          .catch(() => {});
        expect(await paused('T1')).toEqual([]);
        expect(await count('cases')).toBe(0);
      });

      it('a statement on the plain repositories from inside a unit throws', async () => {
        await expect(bypassTx()).rejects.toThrow(
          'a statement inside a unit of work must go through its tx',
        );
        await expect(uow().run(async () => s.cases.insert(opened(), NOW))).rejects.toThrow(
          /must go through its tx/,
        );
        await expect(uow().run(async () => s.store.uow.run(async () => 1))).rejects.toThrow(
          /must go through its tx/,
        );
      });

      it('takes the write lock up front (BEGIN IMMEDIATE), so another connection waits to write', async () => {
        const other = new Database(s.where, { timeout: 0 });
        try {
          await uow().run(async () => {
            // Nothing written yet, and still another writer is refused: the lock came with BEGIN.
            expect(() => other.prepare("DELETE FROM workspaces WHERE team_id = 'x'").run()).toThrow(
              /locked|busy/i,
            );
          });
          other.prepare("DELETE FROM workspaces WHERE team_id = 'x'").run();
        } finally {
          other.close();
        }
      });

      const db = () => s.store.sqlite as Database.Database;
      const mode = () => db().pragma('synchronous', { simple: true });
      const inUnit = async (c: Conn) =>
        (await c.get<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous;

      it('light: on a connection of its own at synchronous=NORMAL, the main one staying FULL, also when it throws', async () => {
        expect(mode()).toBe(2);
        expect(await s.conn.transaction(inUnit, { light: true })).toBe(1);
        expect(mode()).toBe(2);
        await expect(
          s.conn.transaction(
            async () => {
              throw new Error('refused');
            },
            { light: true },
          ),
        ).rejects.toThrow('refused');
        expect(mode()).toBe(2);
        expect(await s.conn.transaction(inUnit)).toBe(2);
      });

      it('light: inside a transaction the flag changes nothing', async () => {
        expect(await s.conn.transaction(async (c) => c.transaction(inUnit, { light: true }))).toBe(
          2,
        );
      });

      it('light: a write of one statement is that statement alone, read at once by the main connection', async () => {
        // No PRAGMA, no BEGIN.
        const seen: string[] = [];
        s.conn.onStatement = (sql) => seen.push(sql);
        try {
          await s.conn.run(
            'INSERT INTO workspaces (team_id, paused_reason, paused_at) VALUES (?, ?, ?)',
            ['x', 'r', 1],
            { light: true },
          );
        } finally {
          s.conn.onStatement = undefined;
        }
        expect(seen).toHaveLength(1);
        expect(
          await s.conn.get<{ paused_reason: string }>(
            'SELECT paused_reason FROM workspaces WHERE team_id = ?',
            ['x'],
          ),
        ).toEqual({ paused_reason: 'r' });
        expect(mode()).toBe(2);
      });
    });
  }

  if (engine === 'postgres') {
    describe('on PostgreSQL', () => {
      const setting = async (c = s.conn) =>
        (await c.get<{ synchronous_commit: string }>('SHOW synchronous_commit'))
          ?.synchronous_commit;

      it('a unit’s writes are its own until it commits', async () => {
        let seenOutside: string | null = 'unread';
        await uow().run(async (tx) => {
          await tx.workspaces.pause('T1', 'r', NOW);
          // Another pooled connection, outside the unit: nothing committed yet.
          seenOutside = await s.workspaces.pausedReason('T1');
        });
        expect(seenOutside).toBeNull();
        expect(await s.workspaces.pausedReason('T1')).toBe('r');
      });

      it('units run side by side, each on a connection of its own', async () => {
        const inside: string[] = [];
        let release!: () => void;
        const bothIn = new Promise<void>((r) => {
          release = r;
        });
        const unit = (name: string) =>
          uow().run(async (tx) => {
            await tx.workspaces.pause(name, 'r', NOW);
            inside.push(name);
            if (inside.length === 2) release();
            // Would wait forever if the units ran one after another.
            await bothIn;
          });
        await Promise.all([unit('T1'), unit('T2')]);
        expect(inside.sort()).toEqual(['T1', 'T2']);
        expect(await paused('T1', 'T2')).toEqual(['T1', 'T2']);
      });

      it('light: synchronous_commit off for the transaction alone', async () => {
        expect(await setting()).toBe('on');
        expect(await s.conn.transaction((c) => setting(c), { light: true })).toBe('off');
        expect(await s.conn.transaction((c) => setting(c))).toBe('on');
        // SET LOCAL: no pooled connection keeps it
        const after = await Promise.all(Array.from({ length: 12 }, () => setting()));
        expect(new Set(after)).toEqual(new Set(['on']));
        // Inside a transaction a light flag changes nothing.
        expect(
          await s.conn.transaction(async (c) =>
            c.transaction(async (d) => setting(d), { light: true }),
          ),
        ).toBe('on');
        await expect(
          uow().run(
            async () => {
              throw new Error('refused');
            },
            { light: true },
          ),
        ).rejects.toThrow('refused');
        expect(await setting()).toBe('on');
      });
    });
  }
});
