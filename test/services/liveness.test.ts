/**
 * Liveness: a process's heartbeat in the shared database says whether what it holds (leases,
 * reminder claims) may be taken over, on any host, within seconds of its death.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import { ALIVE_MS, Leases, Liveness } from '../../src/services/leases.js';
import type { Repos } from '../../src/services/ports.js';
import { openDatabase } from '../../src/store/db.js';
import { type Store, sqliteStore } from '../../src/store/index.js';
import { openInput } from '../helpers/builders.js';

let dir: string;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});
/** The repositories on a fresh database file (the one every process of a deployment shares). */
function open(): Repos {
  dir = mkdtempSync(join(tmpdir(), 'amends-liveness-'));
  store = sqliteStore(openDatabase(join(dir, 'amends.db')), DEFAULT_PLAYBOOK);
  return store.repos;
}

describe('liveness', () => {
  describe('a holder on another host', () => {
    /** A holder there that beat once, the watcher here, and how far the wall clock has moved. */
    async function beatOnce() {
      const repo = open().processes;
      const at = { wall: 1_000_000 };
      const other = new Liveness(repo, 'there:7:aa', () => at.wall);
      const me = new Liveness(repo, 'here:1:bb', () => at.wall);
      await other.beat();
      return { at, other, me };
    }

    it('is alive while its heartbeat holds', async () => {
      const { at, me } = await beatOnce();
      at.wall += ALIVE_MS - 1;
      expect(await me.isGone('there:7:aa')).toBe(false);
    });

    it('is gone once its heartbeat runs out', async () => {
      const { at, me } = await beatOnce();
      at.wall += ALIVE_MS + 1;
      expect(await me.isGone('there:7:aa')).toBe(true);
    });

    it('is alive again once it beats after running out (it was only slow)', async () => {
      const { at, other, me } = await beatOnce();
      at.wall += ALIVE_MS + 1;
      expect(await me.isGone('there:7:aa')).toBe(true);
      await other.beat();
      expect(await me.isGone('there:7:aa')).toBe(false);
    });
  });

  it('a watcher is told of a process that stopped beating once it has been missing a while', async () => {
    const repo = open().processes;
    let wall = 1_000_000;
    const other = new Liveness(repo, 'there:7:aa', () => wall);
    const me = new Liveness(repo, 'here:1:bb', () => wall);
    const told: string[][] = [];
    me.watchPeers((gone) => told.push(gone));
    await other.beat();
    await me.beat();
    wall += ALIVE_MS + 1;
    await me.beat(); // first seen missing
    expect(told).toEqual([]);
    wall += ALIVE_MS;
    await me.beat();
    await me.beat();
    expect(told).toEqual([['there:7:aa']]);
  });

  it('a process missing at one look, beating again at the next, is not reported', async () => {
    const repo = open().processes;
    let wall = 1_000_000;
    const other = new Liveness(repo, 'there:7:aa', () => wall);
    const me = new Liveness(repo, 'here:1:bb', () => wall);
    const told: string[][] = [];
    me.watchPeers((gone) => told.push(gone));
    await other.beat();
    await me.beat();
    wall += ALIVE_MS + 1;
    await me.beat(); // missing: a slow beat
    await other.beat();
    wall += ALIVE_MS - 1;
    await me.beat();
    wall += ALIVE_MS;
    await other.beat();
    await me.beat();
    expect(told).toEqual([]);
  });

  it('a process gone before the watcher first looked is not reported (start-up covers it)', async () => {
    const repo = open().processes;
    const other = new Liveness(repo, 'there:7:aa', () => 5);
    const me = new Liveness(repo, 'here:1:bb', () => 5);
    const told: string[][] = [];
    me.watchPeers((gone) => told.push(gone));
    await other.beat();
    await other.stop();
    await me.beat();
    await me.beat();
    expect(told).toEqual([]);
  });

  it('a holder that stopped cleanly is gone at once', async () => {
    const repo = open().processes;
    const other = new Liveness(repo, 'there:7:aa', () => 5);
    const me = new Liveness(repo, 'here:1:bb', () => 5);
    await other.beat();
    await other.stop();
    expect(await me.isGone('there:7:aa')).toBe(true);
  });

  it('a holder never seen beating is not known to be gone (left to its lease)', async () => {
    const me = new Liveness(open().processes, 'here:1:bb', () => 5);
    // A process of a version before heartbeats (a rolling upgrade): not known to be gone.
    expect(await me.isGone('nobody:1:cc')).toBe(false);
  });

  it('this process is never gone to itself, even with its heartbeat run out', async () => {
    let wall = 1_000_000;
    const me = new Liveness(open().processes, 'here:1:bb', () => wall);
    await me.beat();
    wall += ALIVE_MS + 1; // another holder would be gone by now (the first test)
    expect(await me.isGone('here:1:bb')).toBe(false);
  });

  describe('a process whose own heartbeat lapsed (a stalled loop) while another took its case', () => {
    /** Here holds case:1 and stalls 7 s; there sees the heartbeat run out and takes the case. */
    async function stalled() {
      const { processes, leases } = open();
      const clock = new ManualClock('2026-11-23T08:00:00Z');
      let wall = 1_000_000;
      const me = new Liveness(processes, 'here:1:bb', () => wall);
      await me.beat();
      const mine = new Leases(leases, 'here:1:bb', clock, me.isGone, 90_000, me.lapsed);
      expect(await mine.acquire('case:1')).toBe(true);
      // Stalled 7 s: another process saw the heartbeat run out and took the case.
      wall += 7_000;
      clock.advance(7_000);
      const other = new Liveness(processes, 'there:7:aa', () => wall);
      await other.beat();
      expect(await new Leases(leases, 'there:7:aa', clock, other.isGone).acquire('case:1')).toBe(
        true,
      );
      return { me, mine };
    }

    it('knows its heartbeat lapsed', async () => {
      expect((await stalled()).me.lapsed()).toBe(true);
    });

    it('finds its lease taken at its next renewal, so writes nothing', async () => {
      const { mine } = await stalled();
      expect(await mine.renew('case:1')).toBe(false); // no write: the case is the other's now
    });
  });

  it('on this host a holder whose pid is gone is known at once, heartbeat or not', async () => {
    const repo = open().processes;
    await new Liveness(repo, 'here:42:aa', () => 5).beat();
    const me = new Liveness(
      repo,
      'here:1:bb',
      () => 5,
      (h) => h === 'here:42:aa',
    );
    expect(await me.isGone('here:42:aa')).toBe(true);
  });

  it("a case's lease held by a process whose heartbeat ran out is taken at once, not after the lease's 90 s", async () => {
    const { processes, leases } = open();
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    let wall = 1_000_000;
    await new Liveness(processes, 'there:7:aa', () => wall).beat();
    await leases.take('case:1', 'there:7:aa', clock.now(), 90_000);
    const me = new Liveness(processes, 'here:1:bb', () => wall);
    const mine = new Leases(leases, 'here:1:bb', clock, me.isGone);
    expect(await mine.acquire('case:1')).toBe(false); // its holder is alive: it is writing the case
    wall += ALIVE_MS + 1; // it died (no more heartbeats); the lease itself runs 90 s
    clock.advance(ALIVE_MS + 1);
    expect(await mine.acquire('case:1')).toBe(true);
    expect(await leases.holderOf('case:1', clock.now())).toBe('here:1:bb');
  });

  it('a reminder claim records the process that holds it', async () => {
    const { cases, reminders } = open();
    const now = new Date('2026-11-23T08:00:00Z');
    const c = await cases.insert(openCase(openInput(), DEFAULT_PLAYBOOK, now), now);
    await reminders.enqueue(
      c,
      'own_up',
      [{ kind: 'nudge', occurrence: 1, notBefore: now, hoursTz: null }],
      now,
    );
    const [claimed] = await reminders.claimReady(new Date(now.getTime() + 1000), 10, 'here:1:bb');
    expect(claimed?.claimedBy).toBe('here:1:bb');
    expect((await reminders.inFlight())[0]?.claimedBy).toBe('here:1:bb');
  });
});
