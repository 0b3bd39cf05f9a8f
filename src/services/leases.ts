import type { Clock } from '../domain/clock.js';
import type { LeaseStore, Log, ProcessStore } from './ports.js';

/** How long a lease runs without renewal: longer than any one Slack call (10 s) and its retries. */
export const LEASE_MS = 90_000;

/**
 * This process's leases, by key: re-entrant within the process, shared with others through the
 * LeaseStore so two processes never write one case into Slack at once. A holder renews once a third
 * of the lease has passed, so whoever takes over a run-out lease sees every write in Slack.
 */
export class Leases {
  readonly #held = new Map<string, { n: number; at: number }>();
  /**
   * The last take or release of a key on its way to the store: the next one waits for it, so a
   * hold taken (or joined) and one let go at once reach the store in the order they were asked
   * (a release queued after a join must not drop the lease the join counts on).
   */
  readonly #queued = new Map<string, Promise<unknown>>();

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
    readonly isDead: (holder: string) => boolean | Promise<boolean> = () => false,
    readonly ms = LEASE_MS,
    /**
     * True when this process's own heartbeat lapsed (a stall of the event loop): others may have
     * taken its leases, so each is checked in the database before the next write.
     */
    readonly lapsed: () => boolean = () => false,
  ) {}

  /** Runs `fn` after the take or release of `key` on its way (see #queued). */
  #inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const mine = (this.#queued.get(key) ?? Promise.resolve()).then(fn);
    // The queue's tail never rejects (the caller gets `mine`'s failure, and handles or logs it).
    const tail = mine.catch(() => {});
    this.#queued.set(key, tail);
    void tail.then(() => {
      if (this.#queued.get(key) === tail) this.#queued.delete(key);
    });
    return mine;
  }

  /** Takes `key` (or joins this process's hold on it); false while another process holds it. */
  acquire(key: string): Promise<boolean> {
    return this.#inTurn(key, async () => {
      const mine = this.#held.get(key);
      if (mine) {
        // Joined only when the lease is still ours: a hold counted on a lost lease would never be
        // released by its caller (it was told false), and the key would stay held here forever.
        if (!(await this.renew(key))) return false;
        mine.n++;
        return true;
      }
      const now = this.clock.now();
      if (!(await this.store.take(key, this.holder, now, this.ms))) {
        const other = await this.store.holderOf(key, now);
        if (!other || !(await this.isDead(other))) return false;
        if (!(await this.store.takeFrom(key, other, this.holder, now, this.ms))) return false;
      }
      this.#held.set(key, { n: 1, at: now.getTime() });
      return true;
    });
  }

  /**
   * Before a write: the lease is renewed once a third of it has passed. False if it ran out and
   * another process took it meanwhile (then the write must not happen).
   */
  async renew(key: string): Promise<boolean> {
    const mine = this.#held.get(key);
    if (!mine) return false;
    const now = this.clock.now();
    if (now.getTime() - mine.at < this.ms / 3 && !this.lapsed()) return true;
    if (!(await this.store.take(key, this.holder, now, this.ms))) return false;
    mine.at = Math.max(mine.at, now.getTime());
    return true;
  }

  /** Ends one hold; the last one lets the key go for every process. Never rejects. */
  release(key: string): Promise<void> {
    return this.#inTurn(key, async () => {
      const mine = this.#held.get(key);
      if (!mine) return;
      if (--mine.n > 0) return;
      this.#held.delete(key);
      await this.store.release(key, this.holder);
    }).catch(() => {
      // the database is closing: the lease runs out by itself
    });
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
 * signal 0); a holder of another host, or one whose pid runs (perhaps reused: a container restarted
 * in place), is left to its heartbeat (Liveness).
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

/** How often a process says in the database that it is alive, and for how long that holds. */
export const HEARTBEAT_MS = 2_000;
export const ALIVE_MS = 6_000;

/**
 * Whether the process named in a lease or a claim still runs, on any host: each process writes a
 * heartbeat every HEARTBEAT_MS that holds for ALIVE_MS, and deletes it when it stops. A holder
 * without a live heartbeat is gone, and what it held is taken over at once instead of after its
 * lease (90 s) runs out; on this host a holder whose pid is gone is known at once, without waiting
 * for its heartbeat to run out. The heartbeat is on the wall clock (`now`), not the case clock: it
 * is about processes, not about the cases' time.
 */
export class Liveness {
  #timer: NodeJS.Timeout | null = null;
  /** When this process last wrote its heartbeat (wall clock). */
  #beatAt = Number.NEGATIVE_INFINITY;
  /** Beats on their way: the timer adds none while one is (a slow database), and stop waits for them. */
  readonly #beats = new Set<Promise<void>>();
  /** Other processes seen alive since the watch began, and when each was first seen missing. */
  readonly #peers = new Map<string, number | null>();
  #onPeersGone: ((holders: string[]) => void) | null = null;
  /** A look at the peers on its way: a beat never waits for one, and no second one starts. */
  #looking: Promise<void> | null = null;

  constructor(
    readonly store: ProcessStore,
    readonly holder: string,
    readonly now: () => number = Date.now,
    /** A faster answer for holders of this host (deadOnThisHost). */
    readonly deadHere: (holder: string) => boolean = () => false,
    readonly log?: Log,
  ) {}

  /**
   * Says it is alive now and every HEARTBEAT_MS from now on (the timer is unref'd). Resolves once
   * the first beat is written (or failed: logged).
   */
  async start(): Promise<void> {
    const first = this.beat();
    if (!this.#timer) {
      // beat() never rejects: a failure is logged, and the next beat is 2 s away.
      this.#timer = setInterval(() => {
        if (this.#beats.size === 0) void this.beat();
      }, HEARTBEAT_MS);
      this.#timer.unref();
    }
    await first;
  }

  /** Writes the heartbeat, then looks at the other processes when watched. Never rejects. */
  beat(): Promise<void> {
    const p = this.#beat();
    this.#beats.add(p);
    void p.then(() => this.#beats.delete(p));
    return p.then(() => this.#look());
  }

  async #beat(): Promise<void> {
    try {
      const now = this.now();
      await this.store.beat(this.holder, now, ALIVE_MS);
      this.#beatAt = now;
      // Heartbeats of processes gone for ten minutes are of no use to anyone (their leases, 90 s,
      // have run out long since).
      await this.store.forgetBefore(now, 10 * 60_000);
    } catch (e) {
      // A busy or closing database: the next beat is 2 s away, well inside ALIVE_MS.
      this.log?.error('could not write the heartbeat', { err: e });
    }
  }

  /**
   * Calls `onGone` with the processes seen alive that have since stopped beating (a crash, a stop,
   * a long stall): what they left (cases not yet shown, claims) can be taken over at once instead of
   * waiting for the minute sweep. A process is reported once it has been missing for ALIVE_MS more
   * (a replica only slow to write one beat is not), and once. Processes gone before the watch began
   * are not reported (start-up's catch-up covers them).
   */
  watchPeers(onGone: (holders: string[]) => void): void {
    this.#onPeersGone = onGone;
  }

  #look(): Promise<void> {
    if (!this.#onPeersGone || this.#looking) return this.#looking ?? Promise.resolve();
    const look = this.#lookAtPeers()
      .catch((e: unknown) => this.log?.error('could not look at the other processes', { err: e }))
      .finally(() => {
        this.#looking = null;
      });
    this.#looking = look;
    return look;
  }

  async #lookAtPeers(): Promise<void> {
    const now = this.now();
    const alive = new Set(await this.store.alive(now));
    const gone: string[] = [];
    for (const h of alive) if (h !== this.holder) this.#peers.set(h, null);
    for (const [h, missingSince] of this.#peers) {
      if (alive.has(h)) continue;
      if (missingSince === null) this.#peers.set(h, now);
      else if (now - missingSince >= ALIVE_MS) {
        this.#peers.delete(h);
        gone.push(h);
      }
    }
    if (gone.length > 0) this.#onPeersGone?.(gone);
  }

  /**
   * Stops the heartbeat and says this process is gone (what it still holds is free at once).
   * Never rejects.
   */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#onPeersGone = null;
    await this.#looking;
    // A beat written after `gone` would say this process is alive again for ALIVE_MS.
    await Promise.all([...this.#beats]);
    try {
      await this.store.gone(this.holder);
    } catch {
      // the database is closing: the heartbeat runs out by itself
    }
  }

  /**
   * A holder is gone when its pid is gone from this host (SQLite: one host), or its heartbeat ran out
   * by the database's clock (or it stopped).
   * One with no heartbeat at all (a process of a version before heartbeats, during an upgrade) is
   * not known to be gone: its leases run out by themselves.
   */
  readonly isGone = async (holder: string): Promise<boolean> => {
    if (holder === this.holder) return false;
    if (this.deadHere(holder)) return true;
    return (await this.store.ranOut(holder, this.now())) === true;
  };

  /**
   * This process's own heartbeat is older than a beat and a half (the event loop stalled, or the
   * database refused the beat): other processes may soon take, or have taken, what it holds.
   */
  readonly lapsed = (): boolean => this.now() - this.#beatAt > HEARTBEAT_MS * 1.5;
}
