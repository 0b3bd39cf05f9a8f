import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Log } from '../services/ports.js';

/**
 * Runs SQLite's WAL checkpoints on a worker thread with its own connection. With automatic
 * checkpoints, every so often one commit on the main thread copies the WAL back into the database
 * and fsyncs it, holding the event loop (and every Slack ack behind it) for tens of milliseconds.
 * Here the main connection only appends to the WAL (`wal_autocheckpoint = 0`) and this thread
 * checkpoints it in the background (PASSIVE: never blocks the writer). SQLite only: a PostgreSQL
 * server checkpoints on its own.
 */
const WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// A checkpoint that fails (the database busy) leaves the WAL as it is; the next interval tries again.
const checkpoint = (mode) => { try { db.pragma('wal_checkpoint(' + mode + ')'); } catch {} };
const timer = setInterval(() => checkpoint('PASSIVE'), workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'checkpoint') {
    checkpoint('PASSIVE');
    parentPort.postMessage('checkpointed');
    return;
  }
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint('TRUNCATE');
  db.close();
  parentPort.postMessage('stopped');
});
parentPort.postMessage('ready');
`;

export interface Checkpointer {
  /** One checkpoint now, on the worker; resolves when it is done (tests, and nothing else waits). */
  checkpoint(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the checkpoint thread. If it fails, `onFailure` runs (re-enable automatic checkpoints). */
export function startCheckpointer(
  file: string,
  onFailure: (e: Error) => void,
  intervalMs = 1000,
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs } });
  worker.unref();
  let alive = true;
  worker.on('error', (e) => {
    alive = false;
    onFailure(e);
  });
  return {
    checkpoint() {
      if (!alive) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const onMessage = (m: unknown) => {
          if (m !== 'checkpointed') return;
          worker.off('message', onMessage);
          resolve();
        };
        worker.on('message', onMessage);
        worker.postMessage('checkpoint');
      });
    },
    async stop() {
      if (!alive) return;
      alive = false;
      const done = new Promise<void>((resolve) => {
        worker.on('message', (m) => m === 'stopped' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      await done;
      await worker.terminate();
    },
  };
}

/**
 * A SQLite store's WAL checkpoints on their own connection and thread, so no commit waits for one.
 * The thread starts with `start()`, once the app listens, so the worker's start-up does not slow the
 * bot's; if it fails, automatic checkpoints come back. Nothing on PostgreSQL (`sqlite` null).
 */
export function backgroundCheckpoints(
  sqlite: Database.Database | null,
  file: string,
  log: Log,
): { start(): void; stop(): Promise<void> } {
  sqlite?.pragma('wal_autocheckpoint = 0');
  let checkpointer: Checkpointer | null = null;
  return {
    start() {
      if (!sqlite) return;
      checkpointer ??= startCheckpointer(file, (e) => {
        log.error('background checkpoints failed; back to automatic checkpoints', { err: e });
        if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      });
    },
    async stop() {
      // The checkpoint thread's last TRUNCATE.
      await checkpointer?.stop();
    },
  };
}
