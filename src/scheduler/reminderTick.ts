import cron from 'node-cron';
import type { Log } from '../services/ports.js';
import type { ReminderService, TickReport } from '../services/reminders.js';

export interface Ticker<T = unknown> {
  /**
   * Runs the job now, once the run in progress (if any) has ended, and resolves with what it
   * returned (or its error). `before` is called just before it starts: the sandbox moves its clock
   * there, so no run sees half a move. A slot that comes due meanwhile is skipped, as behind any
   * run.
   */
  runNow(before?: () => void): Promise<T>;
  /**
   * No run starts after this; resolves once the run in progress has ended, or after `waitMs` (a
   * run stuck on Slack: what it claimed is settled by the next start's reconcile).
   */
  stop(waitMs?: number): Promise<void>;
}

/**
 * How long the ticker sleeps at most before it reads the wall clock again: a clock stepped back
 * is noticed within this, and a delay never nears setTimeout's 24.8-day limit.
 */
const MAX_SLEEP_MS = 60_000;

/**
 * A cron job that never overlaps itself and never lets an error escape. node-cron only parses the
 * expression and says when it next matches: its own heartbeat replays every missed slot
 * synchronously after a clock jump. This loop reads the clock each time it wakes, logs one line
 * after a jump and ticks at the next slot; the job is idempotent, so that one tick catches up.
 */
function every<T>(
  expression: string,
  name: string,
  job: () => Promise<T> | T,
  log: Log,
): Ticker<T> {
  const task = cron.createTask(
    expression,
    async () => {
      try {
        await job();
      } catch (e) {
        log.error(`${name} failed`, { err: e });
      }
    },
    { name },
  );
  let stopped = false;
  /** The run in progress (a slot's or runNow's): runs never overlap. */
  let running: Promise<unknown> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The slot waited for and the one after it (a wake-up at or past `after` missed a whole slot),
  // and what the wall clock should read at the wake-up: timers keep time when the wall clock jumps.
  let due = 0;
  let after = 0;
  let wakeAt = 0;

  const plan = () => {
    const [next, following] = task.getNextRuns(2);
    due = next?.getTime() ?? Date.now() + MAX_SLEEP_MS;
    after = following?.getTime() ?? due + MAX_SLEEP_MS;
  };
  const arm = () => {
    if (stopped) return;
    const delay = Math.min(Math.max(0, due - Date.now()), MAX_SLEEP_MS);
    wakeAt = Date.now() + delay;
    timer = setTimeout(wake, delay);
  };
  const hold = <R>(p: Promise<R>): Promise<R> => {
    const done = () => {
      if (running === p) running = null;
    };
    running = p;
    p.then(done, done);
    return p;
  };
  const run = () => {
    if (running) return; // still on an earlier run: the next slot catches up
    hold(task.execute()).catch((e: unknown) => log.error(`${name} failed`, { err: e }));
  };
  const wake = () => {
    timer = undefined;
    if (stopped) return;
    const now = Date.now();
    try {
      if (now >= after) {
        // A whole slot or more went by unseen: the clock jumped, the host slept or the loop was held.
        log.warn('clock jumped: skipped missed ticks', {
          task: name,
          missedMs: now - due,
          from: new Date(due).toISOString(),
          to: new Date(now).toISOString(),
        });
        plan();
      } else if (now >= due) {
        plan();
        run();
      } else if (wakeAt - now > after - due) {
        // Stepped back by more than a slot: tick on the new time rather than wait for the old one.
        const waited = due;
        plan();
        if (due < waited)
          log.warn('clock went back: ticking on the new time', {
            task: name,
            backMs: wakeAt - now,
            from: new Date(waited).toISOString(),
            to: new Date(due).toISOString(),
          });
      }
      // Otherwise it woke early only to read the clock, and `due` stands.
    } catch (e) {
      log.error(`${name} failed`, { err: e });
    }
    arm();
  };

  plan();
  arm();
  return {
    async runNow(before) {
      // A loop: another caller waiting on the same run may have started its own first.
      while (running) await running.catch(() => {});
      before?.();
      return hold(Promise.resolve().then(job));
    },
    async stop(waitMs = 10_000) {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await task.destroy();
      // node-cron's destroy does not wait for a run, and the store closes after this.
      const left = running;
      if (left) {
        let t: NodeJS.Timeout | undefined;
        await Promise.race([
          left.catch(() => {}),
          new Promise<void>((r) => {
            t = setTimeout(r, waitMs);
            t.unref();
          }),
        ]);
        clearTimeout(t);
      }
    },
  };
}

/** Cron only ticks: what is due lives in the database, so a missed or skipped tick heals on the next one. */
export function scheduleReminders(
  expression: string,
  reminders: ReminderService,
  log: Log,
): Ticker<TickReport> {
  return every(
    expression,
    'amends-reminders',
    async () => {
      const r = await reminders.tick();
      if (r.planned || r.sent || r.failed) log.info('reminder tick', { ...r });
      return r;
    },
    log,
  );
}

/** The sweep of cases Slack has not taken yet (it decides what is due itself). */
export function scheduleSweep(
  expression: string,
  sweep: () => Promise<void>,
  log: Log,
): Ticker<void> {
  return every(expression, 'amends-sweep', sweep, log);
}

/** Hourly upkeep (Amends.housekeeping): old idempotency keys, and uninstalled workspaces past retention. */
export function scheduleHousekeeping(
  housekeeping: () => Promise<void> | void,
  log: Log,
): Ticker<void> {
  return every('17 * * * *', 'amends-housekeeping', housekeeping, log);
}
