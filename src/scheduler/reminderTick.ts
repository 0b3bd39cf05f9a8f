import cron from 'node-cron';
import type { ReminderService } from '../services/reminders.js';

type Log = (m: string, x?: Record<string, unknown>) => void;

export interface Ticker {
  stop(): Promise<void>;
}

/** A cron job that never overlaps itself and never lets an error escape. */
function every(
  expression: string,
  name: string,
  job: () => Promise<void> | void,
  log: Log,
): Ticker {
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await job();
      } catch (e) {
        log(`${name} failed`, { error: String(e) });
      }
    },
    { name, noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy?.();
    },
  };
}

/** Cron only ticks: what is due lives in SQLite, so a missed or skipped tick heals on the next one. */
export function scheduleReminders(
  expression: string,
  reminders: ReminderService,
  log: Log,
): Ticker {
  return every(
    expression,
    'amends-reminders',
    async () => {
      const r = await reminders.tick();
      if (r.planned || r.sent || r.failed) log('reminder tick', { ...r });
    },
    log,
  );
}

/** The sweep of cases Slack has not taken yet (it decides what is due itself). */
export function scheduleSweep(expression: string, sweep: () => Promise<void>, log: Log): Ticker {
  return every(expression, 'amends-sweep', sweep, log);
}

/** Hourly upkeep: idempotency keys older than a day are dropped. */
export function scheduleHousekeeping(forgetOldRequests: () => void, log: Log): Ticker {
  return every('17 * * * *', 'amends-housekeeping', forgetOldRequests, log);
}
