import cron from 'node-cron';
import type { ReminderService } from '../services/reminders.js';

export interface Ticker {
  stop(): Promise<void>;
}

/** Cron only ticks: what is due lives in SQLite, so a missed or skipped tick heals on the next one. */
export function scheduleReminders(
  expression: string,
  reminders: ReminderService,
  log: (m: string, x?: Record<string, unknown>) => void,
): Ticker {
  const task = cron.schedule(
    expression,
    async () => {
      try {
        const r = await reminders.tick();
        if (r.planned || r.sent || r.failed) log('reminder tick', { ...r });
      } catch (e) {
        log('reminder tick failed', { error: String(e) });
      }
    },
    { name: 'amends-reminders', noOverlap: true },
  );
  return {
    async stop() {
      await task.stop();
      await task.destroy?.();
    },
  };
}
