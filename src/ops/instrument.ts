import type { Reminder } from '../domain/reminders.js';
import type { LeaseStore, ReminderStore } from '../services/ports.js';
import type { Metrics } from './metrics.js';

/**
 * The reminder outbox, counted for /metrics as the use-case settles it: a row recorded as sent or
 * failed counts once, by kind, after its write committed. Wrapped here, at the composition root,
 * so the use-cases stay unaware of Prometheus; every other method passes through untouched (a
 * Proxy, so a method added to the port later needs nothing here).
 */
export function countedReminders(store: ReminderStore, metrics: Metrics): ReminderStore {
  /** The kind of each reminder this process has read, until it is settled. */
  const kinds = new Map<number, Reminder['kind']>();
  const remember = (r: Reminder | null | undefined) => {
    if (r) kinds.set(r.id, r.kind);
  };
  const kindOf = async (id: number) => kinds.get(id) ?? (await store.get(id))?.kind ?? 'unknown';
  const counted: Partial<ReminderStore> = {
    async claimReady(now, limit, holder) {
      const rows = await store.claimReady(now, limit, holder);
      for (const r of rows) remember(r);
      return rows;
    },
    async inFlight() {
      const rows = await store.inFlight();
      for (const r of rows) remember(r);
      return rows;
    },
    async get(id) {
      const r = await store.get(id);
      remember(r);
      return r;
    },
    async markSent(id, ts, now, pace) {
      const kind = await kindOf(id);
      await store.markSent(id, ts, now, pace);
      kinds.delete(id);
      metrics.remindersSent.inc({ kind });
    },
    async markFailed(id, error) {
      const kind = await kindOf(id);
      await store.markFailed(id, error);
      kinds.delete(id);
      metrics.remindersFailed.inc({ kind });
    },
    async takeOver(id, from, claimedAt, holder, now) {
      const taken = await store.takeOver(id, from, claimedAt, holder, now);
      if (taken) metrics.leaseTakeovers.inc({ what: 'reminder_claim' });
      return taken;
    },
    async release(id, at, error) {
      kinds.delete(id);
      await store.release(id, at, error);
    },
    async postpone(id, at, why) {
      kinds.delete(id);
      await store.postpone(id, at, why);
    },
    async cancelClaimed(id, why) {
      kinds.delete(id);
      await store.cancelClaimed(id, why);
    },
  };
  return new Proxy(store, {
    get(target, prop, receiver) {
      const own = (counted as Record<PropertyKey, unknown>)[prop];
      if (own !== undefined) return own;
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** Leases, with each one taken from a holder known to be dead counted as a takeover. */
export function countedLeases(store: LeaseStore, metrics: Metrics): LeaseStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'takeFrom')
        return async (...args: Parameters<LeaseStore['takeFrom']>) => {
          const taken = await target.takeFrom(...args);
          if (taken) metrics.leaseTakeovers.inc({ what: 'case_lease' });
          return taken;
        };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
