import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { scheduleReminders, scheduleSweep, type Ticker } from '../../src/scheduler/reminderTick.js';
import type { ReminderService } from '../../src/services/reminders.js';
import { memoryLog } from '../helpers/log.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const WEEK = 7 * 24 * 60 * MINUTE;
/** A jump that lands between two slots, as a real suspend or NTP step does. */
const JUMP = WEEK + 17 * SECOND;

type Line = { message: string; fields?: Record<string, unknown> };

let lines: Line[];
let tickers: Ticker[];
let consoleSpies: MockInstance[];

let levels: string[];
const log = memoryLog(({ level, msg, fields }) => {
  levels.push(level);
  lines.push({ message: msg, fields });
});
const jumpLines = () => lines.filter((l) => l.message.startsWith('clock jumped'));
const consoleCalls = () => consoleSpies.reduce((n, s) => n + s.mock.calls.length, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** A job that notes the (wall-clock) time of each run. */
function recorder() {
  const runs: string[] = [];
  return { runs, job: async () => void runs.push(new Date().toISOString()) };
}

function track(t: Ticker): Ticker {
  tickers.push(t);
  return t;
}

/** Moves the wall clock only, as an NTP step or a host resume does: pending timers keep their deadlines. */
function stepWallClock(byMs: number) {
  vi.setSystemTime(Date.now() + byMs);
}

beforeEach(() => {
  lines = [];
  levels = [];
  tickers = [];
  // performance.now() stays real: it measures how long the event loop is held.
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  vi.setSystemTime(new Date('2026-03-02T10:00:30.000Z'));
  consoleSpies = (['warn', 'info', 'log', 'error', 'debug'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation(() => {}),
  );
});

afterEach(async () => {
  await Promise.all(tickers.map((t) => t.stop()));
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('a wall clock that jumps a week forward under a running ticker', () => {
  /** A minute ticker that ran once at 10:01, then woke 30 s after a week's jump of the wall clock. */
  async function jumped() {
    const { runs, job } = recorder();
    const ticker = track(scheduleSweep('* * * * *', job, log));

    await vi.advanceTimersByTimeAsync(MINUTE); // 10:01:30
    expect(runs).toEqual(['2026-03-02T10:01:00.000Z']);

    stepWallClock(JUMP); // the wall clock now reads 10:01:47 a week later
    const t0 = Date.parse('2026-03-02T10:01:30.000Z') + JUMP;
    // The ticker wakes when the 10:02 slot was due (30 s on the monotonic clock).
    await vi.advanceTimersByTimeAsync(30 * SECOND);
    return { runs, ticker, t0 };
  }

  /** After the jump, three more minutes: the runs the ticker made. */
  async function threeMinutesOn() {
    const j = await jumped();
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    return j;
  }

  it('replays none of the missed slots', async () => {
    const { runs } = await jumped();
    expect(runs).toHaveLength(1); // no replay of the 10,080 slots in between
    expect(consoleCalls()).toBe(0); // and no per-slot console warning
  });

  it('logs one line with the missed time', async () => {
    const { t0 } = await jumped();
    expect(jumpLines()).toHaveLength(1);
    const { fields } = jumpLines()[0] as Line;
    expect(fields?.missedMs).toBe(JUMP);
    expect(fields?.from).toBe('2026-03-02T10:02:00.000Z');
    expect(fields?.to).toBe(iso(t0 + 30 * SECOND));
  });

  it('ticks once at the next slot, then every minute again', async () => {
    const { runs } = await jumped();
    // The job runs once at the next slot after the jump, then every minute again.
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(runs).toEqual(['2026-03-02T10:01:00.000Z', '2026-03-09T10:03:00.000Z']);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(runs.slice(2)).toEqual(['2026-03-09T10:04:00.000Z', '2026-03-09T10:05:00.000Z']);
    expect(jumpLines()).toHaveLength(1);
    expect(consoleCalls()).toBe(0);
  });

  it('stop() resolves without waiting on any timer, nothing running afterwards', async () => {
    const { runs, ticker } = await threeMinutesOn();
    expect(runs).toHaveLength(4);
    await ticker.stop();
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(runs).toHaveLength(4);
  });

  it('does not hold the event loop: the work does not grow with the number of missed slots', async () => {
    // Every 10 seconds: a week is 60,480 missed slots.
    const tick = vi.fn(async () => ({ planned: 0, sent: 0, failed: 0 }));
    const reminders = { tick } as unknown as ReminderService;
    const ticker = track(scheduleReminders('*/10 * * * * *', reminders, log));

    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(tick).toHaveBeenCalledTimes(1);

    stepWallClock(JUMP);
    const started = performance.now();
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    const heldMs = performance.now() - started;

    expect(heldMs).toBeLessThan(500); // the old replay held it for seconds (minutes on a slow log pipe)
    expect(consoleCalls()).toBe(0);
    expect(jumpLines()).toHaveLength(1);
    expect(tick.mock.calls.length).toBeLessThanOrEqual(2);

    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(tick.mock.calls.length).toBeGreaterThanOrEqual(2); // ticking again
    const stopped = performance.now();
    await ticker.stop();
    expect(performance.now() - stopped).toBeLessThan(100);
  });
});

describe('the ticker otherwise', () => {
  it('keeps ticking after the wall clock is stepped a week back', async () => {
    const { runs, job } = recorder();
    track(scheduleSweep('* * * * *', job, log));
    await vi.advanceTimersByTimeAsync(MINUTE); // 10:01:30, one run
    stepWallClock(-WEEK);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    // A ticker waiting for next week's 10:02 would post nothing for a week.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.slice(1)).toContain('2026-02-23T10:03:00.000Z');
    expect(lines.filter((l) => l.message.startsWith('clock went back'))).toHaveLength(1);
    expect(consoleCalls()).toBe(0);
  });

  it('waits out a small step back instead of running the same minute twice', async () => {
    const { runs, job } = recorder();
    track(scheduleSweep('* * * * *', job, log));
    await vi.advanceTimersByTimeAsync(MINUTE); // 10:01:30, the 10:01 run done
    stepWallClock(-20 * SECOND); // 10:01:10
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(runs).toEqual([
      '2026-03-02T10:01:00.000Z',
      '2026-03-02T10:02:00.000Z',
      '2026-03-02T10:03:00.000Z',
    ]);
    expect(lines).toEqual([]);
  });

  it('runs a tick that comes a little late, within its own minute, without calling it a jump', async () => {
    const { runs, job } = recorder();
    track(scheduleSweep('* * * * *', job, log));
    stepWallClock(10 * SECOND); // e.g. a short stall or a small NTP step: 10:00:40
    await vi.advanceTimersByTimeAsync(30 * SECOND); // the 10:01 slot fires at 10:01:10
    expect(runs).toEqual(['2026-03-02T10:01:10.000Z']);
    expect(lines).toEqual([]);
    expect(consoleCalls()).toBe(0);
  });

  /** A job that takes 2.5 minutes and fails on its second run, six minutes on a minute ticker. */
  async function slowFailing() {
    const seen = { active: 0, most: 0, started: 0 };
    const slow = async () => {
      seen.started++;
      seen.active++;
      seen.most = Math.max(seen.most, seen.active);
      await new Promise((r) => setTimeout(r, 150 * SECOND));
      seen.active--;
      if (seen.started === 2) throw new Error('Slack said no');
    };
    track(scheduleSweep('* * * * *', slow, log));
    await vi.advanceTimersByTimeAsync(6 * MINUTE); // 10:06:30
    return seen;
  }

  it('never overlaps itself, quietly', async () => {
    const { most, started } = await slowFailing();
    // 10:01 runs until 10:03:30; 10:02 and 10:03 are skipped; 10:04 runs until 10:06:30.
    expect(most).toBe(1);
    expect(started).toBe(2);
    expect(consoleCalls()).toBe(0);
  });

  it('logs a failing job without letting it escape', async () => {
    await slowFailing();
    expect(lines).toEqual([
      { message: 'amends-sweep failed', fields: { err: new Error('Slack said no') } },
    ]);
    expect(levels).toEqual(['error']);
  });

  it('logs a reminder tick that did something', async () => {
    const reminders = {
      tick: async () => ({ planned: 1, sent: 2, failed: 0 }),
    } as unknown as ReminderService;
    track(scheduleReminders('* * * * *', reminders, log));
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(lines).toEqual([
      { message: 'reminder tick', fields: { planned: 1, sent: 2, failed: 0 } },
    ]);
  });
});
