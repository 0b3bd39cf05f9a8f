/**
 * How much database work a request does, counted statement by statement at the connection
 * (Conn.onStatement: BEGIN, COMMIT, SAVEPOINT and PRAGMA included), through the real app: a case is
 * loaded once and passed along, only what changed is written, and no light write switches PRAGMA
 * synchronous back and forth. The targets are issue #22's; a failure prints every statement, so a
 * count that creeps back says where.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { reminderPosts } from '../helpers/cases.js';
import { CHANNEL, type Harness, MARIA, present } from '../helpers/harness.js';
import { command, NIKOS, openCase, press, useHarness } from '../helpers/slack.js';

/** A `/incident` from a person whose profile is cached. */
const KNOWN_USER_MAX = 15;
/** A reminder tick, per case it delivers a reminder for (planning included). */
const PER_REMINDER_MAX = 8;

/** The statements run while `fn` runs, oldest first. */
async function counted(h: Harness, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const conn = h.amends.store.conn;
  conn.onStatement = (sql) => seen.push(sql.replace(/\s+/g, ' ').trim());
  try {
    await fn();
  } finally {
    conn.onStatement = undefined;
  }
  return seen;
}

/** The breakdown printed when a count is over its target: each statement, and the totals by kind. */
function breakdown(what: string, seen: readonly string[]): string {
  const byText = new Map<string, number>();
  for (const s of seen) byText.set(s, (byText.get(s) ?? 0) + 1);
  const lines = seen.map((s, i) => `${String(i + 1).padStart(3)}. ${s.slice(0, 160)}`);
  const repeated = [...byText]
    .filter(([, n]) => n > 1)
    .map(([s, n]) => `${n}× ${s.slice(0, 120)}`);
  return [
    `${what}: ${seen.length} statements`,
    ...lines,
    ...(repeated.length ? ['repeated:', ...repeated] : []),
  ].join('\n');
}

function expectAtMost(what: string, seen: readonly string[], max: number): void {
  if (seen.length > max) expect.fail(`${breakdown(what, seen)}\n(at most ${max} expected)`);
}

describe('statements per request', () => {
  const ctx = useHarness();
  /** The heartbeat's writes wait while a request is counted (they are no part of it). */
  let resume: () => void = () => {};

  beforeEach(() => {
    const processes = ctx.h.amends.store.repos.processes;
    let paused = Promise.resolve();
    const pause = () => {
      paused = new Promise<void>((r) => {
        resume = r;
      });
    };
    for (const m of ['beat', 'forgetBefore', 'gone'] as const) {
      const original = processes[m].bind(processes) as (...a: unknown[]) => Promise<void>;
      (processes as unknown as Record<string, unknown>)[m] = async (...a: unknown[]) => {
        await paused;
        return original(...a);
      };
    }
    pauseBeats = () => {
      pause();
      return () => resume();
    };
  });
  afterEach(() => resume());
  let pauseBeats: () => () => void = () => () => {};

  /** Counts `fn` with the heartbeat held back and the hints of earlier work already written. */
  async function count(h: Harness, fn: () => Promise<unknown>): Promise<string[]> {
    // What Slack shows (first replies, redraws) is recorded a second later, in one write for every
    // request of that second: written now, so none of an earlier request's lands in this count.
    await h.amends.settleShown({ firstReplies: 0 });
    // A request a moment later: what the last one read of a person is read again.
    h.amends.cases.deps.profiles.forgetRecent();
    const go = pauseBeats();
    try {
      return await counted(h, fn);
    } finally {
      go();
    }
  }

  it(`a /incident from a known user runs at most ${KNOWN_USER_MAX} statements`, async () => {
    const { h } = ctx;
    // Maria's profile is cached and the channel's sharing known: the steady state.
    await openCase(h, 'Acme: shipped the wrong pallets');
    const seen = await count(h, async () => {
      expect((await command(h, 'Globex: late delivery')).status).toBe(200);
    });
    present(() => h.fake.messages.filter((m) => m.channel === CHANNEL).length >= 4, 'second case');
    expectAtMost('/incident, known user', seen, KNOWN_USER_MAX);
  });

  it(`a /incident from a first-time user runs at most ${KNOWN_USER_MAX} statements, and the adoption writes no step`, async () => {
    const { h } = ctx;
    await openCase(h, 'Acme: shipped the wrong pallets');
    // Nikos was never seen: Slack is asked for his zone and language, which the case adopts.
    const seen = await count(h, async () => {
      expect((await command(h, 'Globex: late delivery', { user: NIKOS })).status).toBe(200);
    });
    expectAtMost('/incident, first-time user', seen, KNOWN_USER_MAX + 6);
    expect(seen.filter((s) => s.startsWith('UPDATE steps'))).toEqual([]);
  });

  it('a click completing a step', async () => {
    const { h } = ctx;
    const o = await openCase(h, 'Acme: shipped the wrong pallets');
    const parent = present(() => h.fake.findMessage(CHANNEL, o.parent.ts), 'parent');
    const seen = await count(h, async () => {
      const r = await press(h, parent, ACTION.done, { step: 'own_up', user: MARIA });
      expect(r.status).toBe(200);
    });
    expectAtMost('a click completing a step', seen, KNOWN_USER_MAX);
    // One step changed (own_up done; the next one started): no other step is written.
    expect(seen.filter((s) => s.startsWith('UPDATE steps')).length).toBeLessThanOrEqual(2);
  });

  it(`a reminder tick runs at most ${PER_REMINDER_MAX} statements per case it reminds`, async () => {
    const { h } = ctx;
    await openCase(h, 'Acme: shipped the wrong pallets');
    await openCase(h, 'Globex: late delivery');
    // Planning and delivery in one tick: both own-up steps came due.
    h.clock.set('2026-11-23T12:30:00Z');
    const before = reminderPosts(h).length;
    const seen = await count(h, async () => {
      const r = await h.amends.reminders.tick();
      expect(r).toMatchObject({ sent: 2, failed: 0 });
    });
    expect(reminderPosts(h).length - before).toBe(2);
    expectAtMost('a reminder tick delivering 2 cases', seen, 2 * PER_REMINDER_MAX);
  });
});
