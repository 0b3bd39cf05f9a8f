/**
 * Leases and heartbeats on both engines: who holds what, and when it runs out. On PostgreSQL time is
 * the server's (replicas on hosts whose clocks disagree still agree); on SQLite the caller's (one
 * file, one host). Durations here are already over (negative) or far from over, so nothing waits.
 */
import { expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import { openInput } from '../helpers/builders.js';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

const HOUR = 3600_000;

describeEngines('leases and heartbeats', (engine) => {
  const s = storePerTest(engine);
  const now = new Date('2026-01-14T10:00:00Z');

  it('a lease held by one holder is refused to another until it runs out, then taken', async () => {
    expect(await s.leases.take('case:1', 'a', now, HOUR)).toBe(true);
    expect(await s.leases.take('case:1', 'b', now, HOUR)).toBe(false);
    expect(await s.leases.holderOf('case:1', now)).toBe('a');
    expect(await s.leases.take('case:1', 'a', now, HOUR)).toBe(true); // renewed by its holder
    await s.leases.release('case:1', 'b'); // not b's: nothing happens
    expect(await s.leases.holderOf('case:1', now)).toBe('a');
    expect(await s.leases.takeFrom('case:1', 'b', 'c', now, HOUR)).toBe(false); // b never held it
    expect(await s.leases.takeFrom('case:1', 'a', 'c', now, HOUR)).toBe(true); // a is known dead
    expect(await s.leases.holderOf('case:1', now)).toBe('c');
    await s.leases.release('case:1', 'c');
    expect(await s.leases.holderOf('case:1', now)).toBeNull();
    // A lease that has run out (taken for a negative time) is anybody's.
    expect(await s.leases.take('case:2', 'a', now, -1000)).toBe(true);
    expect(await s.leases.holderOf('case:2', now)).toBeNull();
    expect(await s.leases.take('case:2', 'b', now, HOUR)).toBe(true);
  });

  it('no heartbeat says nothing', async () => {
    expect(await s.processes.ranOut('never', now.getTime())).toBeNull();
  });

  it('a heartbeat says alive until it runs out', async () => {
    const t = now.getTime();
    await s.processes.beat('alive', t, HOUR);
    expect(await s.processes.ranOut('alive', t)).toBe(false);
    await s.processes.beat('late', t, -1000);
    expect(await s.processes.ranOut('late', t)).toBe(true);
  });

  it('a clean stop says gone before the heartbeat runs out', async () => {
    const t = now.getTime();
    await s.processes.beat('alive', t, HOUR);
    await s.processes.gone('alive');
    expect(await s.processes.ranOut('alive', t)).toBe(true);
  });

  it('the alive list holds only heartbeats neither run out nor stopped cleanly', async () => {
    const t = now.getTime();
    await s.processes.beat('b-alive', t, HOUR);
    await s.processes.beat('a-alive', t, HOUR);
    await s.processes.beat('late', t, -1000);
    await s.processes.beat('stopped', t, HOUR);
    await s.processes.gone('stopped');
    expect(await s.processes.alive(t)).toEqual(['a-alive', 'b-alive']);
  });

  it('a heartbeat forgotten says nothing again', async () => {
    const t = now.getTime();
    await s.processes.beat('late', t, -1000);
    await s.processes.forgetBefore(t, 0);
    expect(await s.processes.ranOut('late', t)).toBeNull();
  });

  it('a claim a dead process left is taken over by one process only, as it was seen', async () => {
    const c = await s.cases.insert(
      openCase(
        openInput({ teamId: 'T0TEAM001', ownerId: 'U0OWNER01', creatorId: 'U0OWNER01' }),
        DEFAULT_PLAYBOOK,
        now,
      ),
      now,
    );
    await s.reminders.enqueue(c, 'own_up', [{ kind: 'nudge', occurrence: 1, notBefore: now }], now);
    const [r] = await s.reminders.claimReady(now, 10, 'dead');
    if (!r) throw new Error('nothing claimed');
    const other = (await s.another()).repos.reminders;
    const later = new Date(now.getTime() + 60_000);
    const won = await Promise.all([
      s.reminders.takeOver(r.id, 'dead', r.claimedAt, 'b', later),
      other.takeOver(r.id, 'dead', r.claimedAt, 'c', later),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    // Seen before the takeover: the claim is no longer as it was.
    expect(await s.reminders.takeOver(r.id, 'dead', r.claimedAt, 'd', later)).toBe(false);
    const [back] = await s.reminders.inFlight();
    expect(back?.claimedBy).toBe(won[0] ? 'b' : 'c');
  });

  if (engine === 'postgres')
    it("runs out by the server's clock, whatever the replicas' clocks say", async () => {
      // A replica whose clock is a year behind, and one a year ahead: the same lease for both.
      const behind = new Date(Date.now() - 365 * 24 * HOUR);
      const ahead = new Date(Date.now() + 365 * 24 * HOUR);
      expect(await s.leases.take('case:9', 'slow-clock', behind, HOUR)).toBe(true);
      expect(await s.leases.take('case:9', 'fast-clock', ahead, HOUR)).toBe(false);
      expect(await s.leases.holderOf('case:9', ahead)).toBe('slow-clock');
      await s.processes.beat('slow-clock', behind.getTime(), HOUR);
      expect(await s.processes.ranOut('slow-clock', ahead.getTime())).toBe(false);
    });
});
