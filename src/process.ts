import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from './domain/clock.js';
import type { Log } from './log.js';
import { countedLeases } from './ops/instrument.js';
import type { Metrics } from './ops/metrics.js';
import { deadOnThisHost, holderName, Leases, Liveness } from './services/leases.js';
import type { Store } from './store/index.js';

/** Whether a process of this host runs (signal 0 checks without sending anything). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'; // someone else's process: alive
  }
}

/** This process as the database knows it: its name, its heartbeat and its case leases. */
export interface ThisProcess {
  /** Who this process is in leases and claims (host, pid and a random part unless given). */
  readonly holder: string;
  /** Its heartbeat (`start()` writes the first), and whether another holder is gone. */
  readonly liveness: Liveness;
  /** Its case leases, each take counted in /metrics; a gone holder's are taken at once. */
  readonly leases: Leases;
}

/**
 * Who this process is in leases and claims, and its heartbeat: what a dead process held is taken
 * over within seconds, on any number of hosts. On SQLite (one file, so one host) a holder whose
 * pid is gone is known dead at once; on PostgreSQL only heartbeats count, by the server's clock:
 * a pid means nothing on another machine. Nothing is written until `liveness.start()`.
 */
export function thisProcess(o: {
  readonly holder?: string | undefined;
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: Metrics;
}): ThisProcess {
  const { store } = o;
  const holder = o.holder ?? holderName(hostname(), process.pid, randomBytes(4).toString('hex'));
  const liveness = new Liveness(
    store.repos.processes,
    holder,
    Date.now,
    store.engine === 'sqlite' ? deadOnThisHost(hostname(), pidAlive) : undefined,
    o.log,
  );
  const leases = new Leases(
    countedLeases(store.repos.leases, o.metrics),
    holder,
    o.clock,
    liveness.isGone,
    undefined,
    liveness.lapsed,
  );
  return { holder, liveness, leases };
}
