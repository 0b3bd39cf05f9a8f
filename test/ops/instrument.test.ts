/**
 * The outbox and lease stores as /metrics counts them (src/ops/instrument.ts): each settled
 * reminder once, by kind, after its write; each takeover once; everything else passed through.
 */
import { describe, expect, it } from 'vitest';
import type { Reminder } from '../../src/domain/reminders.js';
import { countedLeases, countedReminders } from '../../src/ops/instrument.js';
import { Metrics } from '../../src/ops/metrics.js';
import type { LeaseStore, ReminderStore } from '../../src/services/ports.js';

const metrics = () =>
  new Metrics({
    outbox: async () => ({
      oldestReadyReminderAt: null,
      oldestPendingLineAt: null,
      claimsInFlight: 0,
    }),
  });
const value = async (m: Metrics, name: string, labels: Record<string, string>) =>
  (await m.registry.getSingleMetric(name)?.get())?.values.find((v) =>
    Object.entries(labels).every(([k, x]) => v.labels[k] === x),
  )?.value;

const row = (id: number, kind: Reminder['kind']) => ({ id, kind }) as unknown as Reminder;

describe('countedReminders', () => {
  it('counts a sent or failed reminder by the kind it was read with, once, after the write', async () => {
    const writes: string[] = [];
    const inner = {
      claimReady: async () => [row(1, 'nudge'), row(2, 'digest')],
      get: async (id: number) => row(id, 'escalation'),
      markSent: async (id: number) => void writes.push(`sent ${id}`),
      markFailed: async (id: number) => {
        if (id === 9) throw new Error('database gone');
        writes.push(`failed ${id}`);
      },
      renew: async () => void writes.push('renew'),
    } as unknown as ReminderStore;
    const m = metrics();
    const store = countedReminders(inner, m);
    await store.claimReady(new Date(), 10, 'me');
    await store.markSent(1, 'ts', new Date());
    await store.markFailed(2, 'x');
    await store.markSent(3, 'ts', new Date()); // never read here: its kind is looked up
    await expect(store.markFailed(9, 'x')).rejects.toThrow('database gone');
    await store.renew([1], new Date());
    expect(writes).toEqual(['sent 1', 'failed 2', 'sent 3', 'renew']);
    expect(await value(m, 'amends_reminders_sent_total', { kind: 'nudge' })).toBe(1);
    expect(await value(m, 'amends_reminders_failed_total', { kind: 'digest' })).toBe(1);
    expect(await value(m, 'amends_reminders_sent_total', { kind: 'escalation' })).toBe(1);
    // The failed write counted nothing.
    expect(await value(m, 'amends_reminders_failed_total', { kind: 'escalation' })).toBe(0);
  });

  it('counts a claim taken over from a dead process', async () => {
    let ok = true;
    const inner = { takeOver: async () => ok } as unknown as ReminderStore;
    const m = metrics();
    const store = countedReminders(inner, m);
    expect(await store.takeOver(1, 'dead', null, 'me', new Date())).toBe(true);
    ok = false;
    expect(await store.takeOver(2, 'alive', null, 'me', new Date())).toBe(false);
    expect(await value(m, 'amends_lease_takeovers_total', { what: 'reminder_claim' })).toBe(1);
  });
});

describe('countedLeases', () => {
  /** countedLeases over a store whose holder is always 'dead'; three calls made through it. */
  async function throughCounted() {
    const calls: string[] = [];
    const inner: LeaseStore = {
      take: async () => {
        calls.push('take');
        return true;
      },
      release: async () => void calls.push('release'),
      holderOf: async () => 'dead',
      takeFrom: async (_k, from) => from === 'dead',
    };
    const m = metrics();
    const store = countedLeases(inner, m);
    expect(await store.take('case:1', 'me', new Date(), 1000)).toBe(true);
    expect(await store.takeFrom('case:1', 'dead', 'me', new Date(), 1000)).toBe(true);
    expect(await store.takeFrom('case:2', 'alive', 'me', new Date(), 1000)).toBe(false);
    await store.release('case:1', 'me');
    return { calls, m };
  }

  it('passes every lease call through', async () => {
    const { calls } = await throughCounted();
    expect(calls).toEqual(['take', 'release']);
  });

  it('counts a lease taken from a dead holder', async () => {
    const { m } = await throughCounted();
    expect(await value(m, 'amends_lease_takeovers_total', { what: 'case_lease' })).toBe(1);
  });
});
