import type { App } from '@slack/bolt';
import type { Amends, ComposeOptions } from './amends.js';
import type { Log } from './log.js';
import type { Observability } from './ops/observability.js';
import type { Liveness } from './services/leases.js';
import type { Projection } from './services/projection.js';
import { drain, startBoltApp } from './slack/boltApp.js';
import type { Gate } from './slack/gate.js';
import type { Store } from './store/index.js';

/** What a composed bot starts and stops. */
export interface Running {
  readonly app: App;
  readonly gate: Gate;
  readonly observed: Observability;
  /** SQLite's WAL checkpoints on their own thread (store/checkpointer.ts; nothing on PostgreSQL). */
  readonly checkpoints: { start(): void; stop(): Promise<void> };
  readonly projection: Projection;
  readonly liveness: Liveness;
  readonly store: Store;
  readonly log: Log;
}

/**
 * The bot's start, drain and stop, in their order. start: the receiver, then the probes and the
 * checkpoint thread (once the app listens). stop, once: no new request, the receiver stopped, the
 * last hints, the heartbeat gone (what this process held is free at once), the last checkpoint,
 * the database closed, then the probes.
 */
export function lifecycle(
  o: Pick<ComposeOptions, 'config' | 'host'>,
  r: Running,
): Pick<Amends, 'start' | 'drain' | 'stop'> {
  let stopped = false;
  return {
    async start() {
      const port = await startBoltApp(r.app, { config: o.config, host: o.host, log: r.log });
      await r.observed.start(o.host);
      r.checkpoints.start();
      return port;
    },
    drain: (timeoutMs) => drain(r.gate, timeoutMs),
    async stop() {
      if (stopped) return;
      stopped = true;
      r.gate.close();
      try {
        await r.app.stop();
      } catch {
        // not started, or already stopped
      }
      // The last hints (failing: the sweep checks again after the next start).
      await r.projection.stop();
      await r.liveness.stop();
      await r.checkpoints.stop();
      await r.store.close();
      await r.observed.stop();
    },
  };
}
