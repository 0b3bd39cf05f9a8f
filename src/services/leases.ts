import type { Clock } from '../domain/clock.js';
import type { LeaseStore } from './ports.js';

/** How long a lease runs without renewal: longer than any one Slack call (10 s) and its retries. */
export const LEASE_MS = 90_000;

/**
 * This process's leases, by key. Re-entrant within the process (a publish and the thread lines
 * it triggers share the case's lease); shared with other processes through the LeaseStore, so two
 * processes on one database never write the same case into Slack at once.
 *
 * A holder renews its lease before each Slack write once a third of it has passed, so every write
 * it makes happens at least two thirds of a lease before the lease can run out: a process taking
 * over a lease that ran out (its holder died) looks in Slack after taking it and sees every write
 * the dead holder made.
 */
export class Leases {
  readonly #held = new Map<string, { n: number; at: number }>();

  constructor(
    readonly store: LeaseStore,
    /** Who this process is, for the database (host, pid and a random part). */
    readonly holder: string,
    readonly clock: Clock,
    /**
     * True when a holder is known to be dead (a process of this host whose pid is gone): its
     * leases are taken at once instead of after they run out, so a restart after a crash posts
     * what the dead process left without waiting.
     */
    readonly isDead: (holder: string) => boolean = () => false,
    readonly ms = LEASE_MS,
  ) {}

  /** Takes `key` (or joins this process's hold on it); false while another process holds it. */
  acquire(key: string): boolean {
    const mine = this.#held.get(key);
    if (mine) {
      mine.n++;
      return this.renew(key);
    }
    const now = this.clock.now();
    if (!this.store.take(key, this.holder, now, this.ms)) {
      const other = this.store.holderOf(key, now);
      if (!other || !this.isDead(other)) return false;
      if (!this.store.takeFrom(key, other, this.holder, now, this.ms)) return false;
    }
    this.#held.set(key, { n: 1, at: now.getTime() });
    return true;
  }

  /**
   * Before a write: the lease is renewed once a third of it has passed. False if it ran out and
   * another process took it meanwhile (then the write must not happen).
   */
  renew(key: string): boolean {
    const mine = this.#held.get(key);
    if (!mine) return false;
    const now = this.clock.now();
    if (now.getTime() - mine.at < this.ms / 3) return true;
    if (!this.store.take(key, this.holder, now, this.ms)) return false;
    mine.at = now.getTime();
    return true;
  }

  /** Ends one hold; the last one lets the key go for every process. */
  release(key: string): void {
    const mine = this.#held.get(key);
    if (!mine) return;
    if (--mine.n > 0) return;
    this.#held.delete(key);
    try {
      this.store.release(key, this.holder);
    } catch {
      // the database is closing: the lease runs out by itself
    }
  }
}

/** Thrown before a write when this process's lease ran out and another process has the case. */
export class LeaseLost extends Error {
  constructor(readonly key: string) {
    super(`lease lost: ${key}`);
    this.name = 'LeaseLost';
  }
}

/** This process, as named in the leases it holds: host, pid, and a random part. */
export function holderName(host: string, pid: number, random: string): string {
  return `${host}:${pid}:${random}`;
}

/**
 * A holder that was a process of this host whose pid no longer runs. `alive` asks the OS (a
 * signal 0); a holder of another host is never taken for dead.
 */
export function deadOnThisHost(
  host: string,
  alive: (pid: number) => boolean,
): (holder: string) => boolean {
  return (holder) => {
    const m = /^(.*):(\d+):[0-9a-f]+$/.exec(holder);
    if (!m || m[1] !== host) return false;
    return !alive(Number(m[2]));
  };
}
