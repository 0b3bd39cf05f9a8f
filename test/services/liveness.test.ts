/**
 * Liveness: a process's heartbeat in the shared database says whether what it holds (leases,
 * reminder claims) may be taken over, on any host, within seconds of its death.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { ALIVE_MS, Leases, Liveness } from '../../src/services/leases.js';
import { type Db, openDatabase } from '../../src/store/db.js';
import { LeaseRepo } from '../../src/store/leaseRepo.js';
import { ProcessRepo } from '../../src/store/processRepo.js';
import { ReminderRepo } from '../../src/store/reminderRepo.js';

let dir: string;
let db: Db;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});
function open(): Db {
  dir = mkdtempSync(join(tmpdir(), 'amends-liveness-'));
  db = openDatabase(join(dir, 'amends.db'));
  return db;
}

describe('liveness', () => {
  it('a holder on another host is alive while its heartbeat holds, and gone once it runs out', () => {
    const repo = new ProcessRepo(open());
    let wall = 1_000_000;
    const other = new Liveness(repo, 'there:7:aa', () => wall);
    const me = new Liveness(repo, 'here:1:bb', () => wall);
    other.beat();
    wall += ALIVE_MS - 1;
    expect(me.isGone('there:7:aa')).toBe(false);
    wall += 2;
    expect(me.isGone('there:7:aa')).toBe(true);
    other.beat(); // it was only slow: it says so again, and is alive again
    expect(me.isGone('there:7:aa')).toBe(false);
  });

  it('a holder that stopped cleanly is gone at once; one never seen beating is left to its lease; this process never is', () => {
    const repo = new ProcessRepo(open());
    const other = new Liveness(repo, 'there:7:aa', () => 5);
    const me = new Liveness(repo, 'here:1:bb', () => 5);
    other.beat();
    other.stop();
    expect(me.isGone('there:7:aa')).toBe(true);
    // A process of a version before heartbeats (a rolling upgrade): not known to be gone.
    expect(me.isGone('nobody:1:cc')).toBe(false);
    expect(me.isGone('here:1:bb')).toBe(false);
  });

  it('a process whose own heartbeat lapsed (a stalled loop) checks its lease before the next write, and finds it taken', () => {
    const d = open();
    const processes = new ProcessRepo(d);
    const leases = new LeaseRepo(d);
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    let wall = 1_000_000;
    const me = new Liveness(processes, 'here:1:bb', () => wall);
    me.beat();
    const mine = new Leases(leases, 'here:1:bb', clock, me.isGone, 90_000, me.lapsed);
    expect(mine.acquire('case:1')).toBe(true);
    // Stalled 7 s: another process saw the heartbeat run out and took the case.
    wall += 7_000;
    clock.advance(7_000);
    const other = new Liveness(processes, 'there:7:aa', () => wall);
    other.beat();
    expect(new Leases(leases, 'there:7:aa', clock, other.isGone).acquire('case:1')).toBe(true);
    expect(me.lapsed()).toBe(true);
    expect(mine.renew('case:1')).toBe(false); // no write: the case is the other's now
  });

  it('on this host a holder whose pid is gone is known at once, heartbeat or not', () => {
    const repo = new ProcessRepo(open());
    new Liveness(repo, 'here:42:aa', () => 5).beat();
    const me = new Liveness(
      repo,
      'here:1:bb',
      () => 5,
      (h) => h === 'here:42:aa',
    );
    expect(me.isGone('here:42:aa')).toBe(true);
  });

  it("a case's lease held by a process whose heartbeat ran out is taken at once, not after the lease's 90 s", () => {
    const d = open();
    const processes = new ProcessRepo(d);
    const leases = new LeaseRepo(d);
    const clock = new ManualClock('2026-11-23T08:00:00Z');
    let wall = 1_000_000;
    new Liveness(processes, 'there:7:aa', () => wall).beat();
    leases.take('case:1', 'there:7:aa', clock.now(), 90_000);
    const me = new Liveness(processes, 'here:1:bb', () => wall);
    const mine = new Leases(leases, 'here:1:bb', clock, me.isGone);
    expect(mine.acquire('case:1')).toBe(false); // its holder is alive: it is writing the case
    wall += ALIVE_MS + 1; // it died (no more heartbeats); the lease itself runs 90 s
    clock.advance(ALIVE_MS + 1);
    expect(mine.acquire('case:1')).toBe(true);
    expect(leases.holderOf('case:1', clock.now())).toBe('here:1:bb');
  });

  it('a reminder claim records the process that holds it', () => {
    const d = open();
    const reminders = new ReminderRepo(d);
    d.prepare(
      `INSERT INTO cases (id, team_id, channel_id, client, summary, severity, owner_id, creator_id, status, lang, tz, created_at, version)
       VALUES (1, 'T1', 'C1', 'Acme', 'late', 'major', 'U1', 'U1', 'open', 'en', 'UTC', 0, 1)`,
    ).run();
    d.prepare(
      `INSERT INTO reminders (team_id, case_id, step_key, kind, occurrence, created_at, not_before, status)
       VALUES ('T1', 1, 'own_up', 'nudge', 1, 0, 0, 'pending')`,
    ).run();
    const [claimed] = reminders.claimReady(new Date(1000), 10, 'here:1:bb');
    expect(claimed?.claimedBy).toBe('here:1:bb');
    expect(reminders.inFlight()[0]?.claimedBy).toBe('here:1:bb');
  });
});
