import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scheduleReminders, scheduleSweep, type Ticker } from '../../src/scheduler/reminderTick.js';
import type { ReminderService } from '../../src/services/reminders.js';
import { memoryLog } from '../helpers/log.js';

const MINUTE = 60_000;
const log = memoryLog(() => {});
let tickers: Ticker[];

/** A job that records each run's start and end, and ends only when the test lets it. */
function gatedJob() {
  const events: string[] = [];
  const gates: (() => void)[] = [];
  let n = 0;
  const job = async () => {
    const id = ++n;
    events.push(`start ${id}`);
    await new Promise<void>((r) => gates.push(r));
    events.push(`end ${id}`);
  };
  const release = () => gates.shift()?.();
  return { events, job, release };
}

beforeEach(() => {
  tickers = [];
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(new Date('2026-03-02T10:00:30.000Z'));
});

afterEach(async () => {
  await Promise.all(tickers.map((t) => t.stop()));
  vi.useRealTimers();
});

describe('Ticker.runNow', () => {
  it('starts its run, `before` included, only once the slot’s run in progress has ended', async () => {
    const { events, job, release } = gatedJob();
    const ticker = scheduleSweep('* * * * *', job, log);
    tickers.push(ticker);
    await vi.advanceTimersByTimeAsync(MINUTE); // the 10:01 slot starts run 1
    expect(events).toEqual(['start 1']);

    const now = ticker.runNow(() => events.push('before'));
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['start 1']);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['start 1', 'end 1', 'before', 'start 2']);
    release();
    await now;
    expect(events.at(-1)).toBe('end 2');
  });

  it('makes the slot that comes due during its run skip, as behind any run', async () => {
    const { events, job, release } = gatedJob();
    const ticker = scheduleSweep('* * * * *', job, log);
    tickers.push(ticker);
    const now = ticker.runNow();
    await vi.advanceTimersByTimeAsync(MINUTE); // the 10:01 slot comes while runNow's run goes on
    expect(events).toEqual(['start 1']);
    release();
    await now;
    await vi.advanceTimersByTimeAsync(MINUTE); // 10:02 runs again
    expect(events).toEqual(['start 1', 'end 1', 'start 2']);
    release();
  });

  it('resolves with the reminder tick’s report', async () => {
    const report = { planned: 2, sent: 1, failed: 0, retried: 0, cancelled: 0, skipped: false };
    const reminders = { tick: async () => report } as unknown as ReminderService;
    const ticker = scheduleReminders('* * * * *', reminders, log);
    tickers.push(ticker);
    await expect(ticker.runNow()).resolves.toEqual(report);
  });
});

describe('Ticker.stop', () => {
  it('resolves only once the run in progress has ended (the store closes after it)', async () => {
    const { events, job, release } = gatedJob();
    const ticker = scheduleSweep('* * * * *', job, log);
    const run = ticker.runNow();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = ticker.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);
    release();
    await run;
    await stopping;
    expect(events).toEqual(['start 1', 'end 1']);
  });

  it('gives up on a run stuck past the time it is given', async () => {
    const { job } = gatedJob();
    const ticker = scheduleSweep('* * * * *', job, log);
    void ticker.runNow();
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = ticker.stop(5000).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(4999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopping;
    expect(stopped).toBe(true);
  });
});
