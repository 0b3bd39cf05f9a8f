import { describe, expect, it } from 'vitest';
import {
  caseFacts,
  clientKey,
  type HistoryEvent,
  learnAcrossCases,
  minutesToMeeting,
  minutesToOwnUp,
  type OutcomeCase,
  percentile,
  type StepSnapshot,
  summarizeOutcomes,
} from '../../src/domain/outcomes.js';
import type { StepKey } from '../../src/domain/playbook.js';
import type { CaseStatus } from '../../src/domain/recoveryCase.js';

const NOW = new Date('2026-03-31T12:00:00Z');
const MIN = 60_000;
const at = (iso: string) => new Date(iso);

/** An event `minutes` after the case opened. */
type Ev = (opened: Date) => HistoryEvent;
const ev =
  (
    type: string,
    minutes: number,
    stepKey: StepKey | null = null,
    data: HistoryEvent['data'] = null,
  ): Ev =>
  (opened) => ({ at: new Date(opened.getTime() + minutes * MIN), type, stepKey, data });
const done = (key: StepKey, minutes: number) => ev('step_done', minutes, key);
const skipped = (key: StepKey, minutes: number) =>
  ev('step_skipped', minutes, key, { reason: 'not this time' });
/** A meeting booked `bookedAfter` minutes after opening, taking place `meetsAfter` minutes after it. */
const meeting =
  (bookedAfter: number, meetsAfter: number): Ev =>
  (opened) => ({
    at: new Date(opened.getTime() + bookedAfter * MIN),
    type: 'meeting_booked',
    stepKey: null,
    data: { at: new Date(opened.getTime() + meetsAfter * MIN).toISOString() },
  });

function kase(
  id: number,
  createdAt: string,
  status: CaseStatus,
  events: Ev[] = [],
  o: { client?: string; closedAt?: string; steps?: (opened: Date) => StepSnapshot[] } = {},
): OutcomeCase {
  const opened = at(createdAt);
  return {
    id,
    client: o.client ?? `Client ${id}`,
    channelId: 'C0CHAN001',
    createdAt: opened,
    status,
    closedAt: o.closedAt ? at(o.closedAt) : status === 'open' ? null : opened,
    events: [ev('case_opened', 0)(opened), ...events.map((e) => e(opened))],
    ...(o.steps ? { steps: o.steps(opened) } : {}),
  };
}

/** A step snapshot with its due and done times in minutes after opening. */
const step =
  (
    key: StepKey,
    status: StepSnapshot['status'],
    dueAfter: number | null,
    doneAfter: number | null = null,
  ) =>
  (opened: Date): StepSnapshot => ({
    key,
    status,
    dueAt: dueAfter === null ? null : new Date(opened.getTime() + dueAfter * MIN),
    doneAt: doneAfter === null ? null : new Date(opened.getTime() + doneAfter * MIN),
  });
const steps =
  (...ss: ((opened: Date) => StepSnapshot)[]) =>
  (opened: Date) =>
    ss.map((s) => s(opened));

/** Walks a result and fails on any NaN or Infinity. */
function assertFinite(v: unknown, path = '$'): void {
  if (typeof v === 'number') expect(Number.isFinite(v), path).toBe(true);
  else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) assertFinite(x, `${path}[${i}]`);
  } else if (v && typeof v === 'object' && !(v instanceof Date))
    for (const [k, x] of Object.entries(v)) assertFinite(x, `${path}.${k}`);
}

describe('percentile (linear interpolation, type 7)', () => {
  it.each([
    [[], 0.5, null],
    [[], 0.9, null],
    [[5], 0.5, 5],
    [[5], 0.9, 5],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.9, 3.7],
    [[1, 2, 3, 4, 5], 0.5, 3],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9, 91],
    [[1, 2, 3], 0, 1],
    [[1, 2, 3], 1, 3],
  ])('%j at p=%s is %s', (values, p, expected) => {
    const r = percentile(values, p);
    if (expected === null) expect(r).toBeNull();
    else expect(r).toBeCloseTo(expected, 10);
  });

  it('refuses a p outside [0, 1]', () => {
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe('clientKey', () => {
  it.each([
    ['  Acme ', 'acme'],
    ['ACME  Corp', 'acme corp'],
    ['ΣΟΦΊΑ ΑΕ', 'σοφια αε'],
    ['Σοφία  αε', 'σοφια αε'],
    ['Ferreteria PUIG i Fills', 'ferreteria puig i fills'],
    // Without accents: "e" + combining acute, the precomposed "é" and a bare "E" are one key
    ['Cafe\u0301 Lleida', 'cafe lleida'],
    ['CAFÉ LLEIDA', 'cafe lleida'],
    ['Ferretería Núñez', 'ferreteria nunez'],
  ])('%j → %j', (name, key) => {
    expect(clientKey(name)).toBe(key);
  });
});

describe('summarizeOutcomes', () => {
  // Window: 90 days back from NOW, i.e. (2025-12-31T12:00Z, 2026-03-31T12:00Z].
  const cases: OutcomeCase[] = [
    kase(1, '2026-03-01T09:00:00Z', 'won_back', [
      done('own_up', 60),
      meeting(120, 2880),
      meeting(600, 9000), // re-booked: the first booking's meeting counts
      done('apologize', 2880),
      done('compensation', 2900),
      ev('client_accepted', 5000),
      ev('case_closed', 5001, null, { outcome: 'won_back' }),
    ]),
    kase(2, '2026-03-02T09:00:00Z', 'lost', [
      done('own_up', 30),
      meeting(40, 1440),
      done('apologize', 1440),
      skipped('compensation', 1450), // a skip is no compensation
      ev('client_refused', 3000),
      ev('case_closed', 9000, null, { outcome: 'lost', reason: 'went elsewhere' }),
    ]),
    kase(3, '2026-03-03T09:00:00Z', 'won_back', [done('own_up', 120), done('apologize', 500)]),
    kase(4, '2026-03-04T09:00:00Z', 'lost', [
      done('own_up', 240),
      ev('meeting_booked', 300, null, { at: 'not a date' }), // unreadable: not counted
    ]),
    kase(5, '2026-03-05T09:00:00Z', 'closed', [done('own_up', 1500), done('compensation', 2000)]),
    kase(6, '2026-03-06T09:00:00Z', 'open'),
    kase(7, '2025-12-01T09:00:00Z', 'won_back', [done('own_up', 10)]), // before the window
    kase(8, '2025-12-31T12:00:00Z', 'lost', [done('own_up', 5)]), // exactly at the start: out
    kase(9, '2026-03-31T12:00:00Z', 'open'), // exactly now: in
    kase(10, '2026-04-01T09:00:00Z', 'open'), // after now: out
  ];
  const r = summarizeOutcomes(cases, { now: NOW, days: 90 });

  it('reports the window it covers', () => {
    expect(r.from).toEqual(at('2025-12-31T12:00:00Z'));
    expect(r.to).toEqual(NOW);
    expect(summarizeOutcomes(cases, { now: NOW })).toEqual(r); // 90 days by default
  });

  it('counts each case as opened, decided in the window, or open now', () => {
    // Here every decided case was decided at its opening (kase's default closedAt).
    expect(r.counts).toEqual({ opened: 7, wonBack: 2, lost: 2, closed: 1, open: 2, refused: 0 });
  });

  it('measures the time to own up (median, p90) from the event log', () => {
    // owned up after 30, 60, 120, 240, 1500 minutes; cases 6 and 9 not yet
    // p90: rank 0.9 × 4 = 3.6 → 240 + 0.6 × (1500 − 240) = 996
    expect(r.timeToOwnUp).toEqual({ n: 5, medianMinutes: 120, p90Minutes: 996 });
  });

  it('measures the time to the meeting itself, from the first booking', () => {
    // meetings 2880 and 1440 minutes after opening → median 2160, p90 1440 + 0.9 × 1440 = 2736
    expect(r.timeToMeeting).toEqual({ n: 2, medianMinutes: 2160, p90Minutes: 2736 });
  });

  it('gives the share of cases with an apology, out of all opened', () => {
    expect(r.apology).toEqual({ n: 7, hits: 3, value: 3 / 7 });
  });

  it('gives the share of cases with compensation, out of all opened', () => {
    expect(r.compensation).toEqual({ n: 7, hits: 2, value: 2 / 7 });
  });

  it('gives the win-back rate per apology × compensation among decided cases', () => {
    expect(r.winBackBy).toEqual({
      apologyAndCompensation: { n: 1, hits: 1, value: 1 }, // case 1
      apologyOnly: { n: 2, hits: 1, value: 0.5 }, // case 2 lost, case 3 won
      compensationOnly: { n: 0, hits: 0, value: null }, // case 5 is closed, not decided
      neither: { n: 1, hits: 0, value: 0 }, // case 4
    });
  });

  it('gives n = 0 with nulls, never NaN, for no cases', () => {
    const e = summarizeOutcomes([], { now: NOW });
    expect(e.counts).toEqual({ opened: 0, wonBack: 0, lost: 0, closed: 0, open: 0, refused: 0 });
    expect(e.empty).toBe(true);
    expect(e.lostCases).toEqual([]);
    expect(e.refusedCases).toEqual([]);
    expect(e.timeToOwnUp).toEqual({ n: 0, medianMinutes: null, p90Minutes: null });
    expect(e.timeToMeeting).toEqual({ n: 0, medianMinutes: null, p90Minutes: null });
    expect(e.apology).toEqual({ n: 0, hits: 0, value: null });
    expect(e.compensation).toEqual({ n: 0, hits: 0, value: null });
    for (const f of Object.values(e.winBackBy)) expect(f).toEqual({ n: 0, hits: 0, value: null });
    assertFinite(e);
  });

  it('counts cases all outside the window as no cases', () => {
    const old = summarizeOutcomes([cases[6] as OutcomeCase], { now: NOW });
    expect(old.counts.opened + old.counts.wonBack).toBe(0);
    expect(old.empty).toBe(true);
  });

  it('sums up a single case, its value as every percentile', () => {
    const one = summarizeOutcomes(
      [
        kase(1, '2026-03-10T08:00:00Z', 'won_back', [
          done('own_up', 45),
          meeting(50, 1000),
          done('apologize', 1000),
        ]),
      ],
      { now: NOW },
    );
    expect(one.counts).toEqual({ opened: 1, wonBack: 1, lost: 0, closed: 0, open: 0, refused: 0 });
    expect(one.timeToOwnUp).toEqual({ n: 1, medianMinutes: 45, p90Minutes: 45 });
    expect(one.timeToMeeting).toEqual({ n: 1, medianMinutes: 1000, p90Minutes: 1000 });
    expect(one.apology).toEqual({ n: 1, hits: 1, value: 1 });
    expect(one.compensation).toEqual({ n: 1, hits: 0, value: 0 });
    expect(one.winBackBy.apologyOnly).toEqual({ n: 1, hits: 1, value: 1 });
    expect(one.winBackBy.neither).toEqual({ n: 0, hits: 0, value: null });
    assertFinite(one);
  });

  it('refuses a window that is not positive', () => {
    expect(() => summarizeOutcomes([], { now: NOW, days: 0 })).toThrow(RangeError);
  });
});

describe('minutesToOwnUp / minutesToMeeting', () => {
  it('are null without the event', () => {
    const c = kase(1, '2026-03-01T09:00:00Z', 'open');
    expect(minutesToOwnUp(c)).toBeNull();
    expect(minutesToMeeting(c)).toBeNull();
  });

  const noisy = kase(1, '2026-03-01T09:00:00Z', 'open', [
    done('outline', 10),
    ev('meeting_booked', 20),
    done('own_up', 90),
  ]);

  it('minutesToOwnUp ignores other steps done', () => {
    expect(minutesToOwnUp(noisy)).toBe(90);
  });

  it('minutesToMeeting ignores a meeting_booked without a time', () => {
    expect(minutesToMeeting(noisy)).toBeNull();
  });

  it('a cancelled meeting never took place: it is not counted', () => {
    const cancelled = kase(1, '2026-03-01T09:00:00Z', 'lost', [
      meeting(10, 2000),
      ev('meeting_cancelled', 60),
    ]);
    expect(minutesToMeeting(cancelled)).toBeNull();
    expect(caseFacts(cancelled).meetingAt).toBeNull();
  });

  it('the booking after a cancelled meeting is counted', () => {
    const again = kase(2, '2026-03-01T09:00:00Z', 'open', [
      meeting(10, 2000),
      ev('meeting_cancelled', 60),
      meeting(70, 3000),
    ]);
    expect(minutesToMeeting(again)).toBe(3000);
    expect(caseFacts(again).meetingAt?.getTime()).toBe(
      Date.parse('2026-03-01T09:00:00Z') + 3000 * MIN,
    );
  });

  it('the fix meeting’s cancellation leaves the first meeting counted', () => {
    // The fix meeting's cancellation leaves the first meeting as it was.
    const fix = kase(3, '2026-03-01T09:00:00Z', 'open', [
      meeting(10, 2000),
      ev('fix_meeting_cancelled', 60),
    ]);
    expect(minutesToMeeting(fix)).toBe(2000);
  });

  it('count an own-up stamped by sending the client message (Mark as sent), as the case shows it', () => {
    const c = kase(1, '2026-03-01T09:00:00Z', 'open', [
      ev('client_message_sent', 25, 'own_up', { apologized: true }),
    ]);
    expect(minutesToOwnUp(c)).toBe(25);
  });
});

describe('learnAcrossCases', () => {
  // Window: 365 days back from NOW, i.e. (2025-03-31T12:00Z, 2026-03-31T12:00Z].
  const cases: OutcomeCase[] = [
    kase(
      1,
      '2026-01-10T09:00:00Z',
      'won_back',
      [done('own_up', 60), done('corrective_changes', 5760)],
      {
        client: 'Acme',
        closedAt: '2026-01-20T09:00:00Z',
        steps: steps(
          step('own_up', 'done', 240, 60),
          step('meeting', 'done', 2880, 4320), // done a day late: overdue
          step('corrective_changes', 'done', 7200, 5760),
          step('check_in', 'pending', 20_000), // due after the case ended: not overdue
        ),
      },
    ),
    kase(2, '2025-12-01T09:00:00Z', 'lost', [done('own_up', 1800), skipped('compensation', 2000)], {
      client: ' acme ',
      closedAt: '2025-12-20T09:00:00Z',
      steps: steps(
        step('own_up', 'done', 240, 1800), // late
        step('compensation', 'skipped', null, 2000),
        step('corrective_changes', 'pending', 7200), // still pending when the case ended, past due
      ),
    }),
    kase(
      3,
      '2025-06-01T09:00:00Z',
      'won_back',
      [done('own_up', 10), done('corrective_changes', 8640)],
      {
        client: 'ΣΟΦΊΑ ΑΕ',
        closedAt: '2025-06-10T09:00:00Z',
        steps: steps(
          step('own_up', 'done', 120, 10),
          step('corrective_changes', 'done', 7200, 8640), // late
        ),
      },
    ),
    kase(4, '2026-02-01T09:00:00Z', 'lost', [], {
      client: 'Σοφία  αε',
      closedAt: '2026-02-15T09:00:00Z',
      steps: steps(step('own_up', 'snoozed', 240)), // never done, past due when it ended
    }),
    kase(5, '2026-03-30T09:00:00Z', 'open', [skipped('compensation', 60)], {
      client: 'Beta',
      steps: steps(
        step('own_up', 'pending', 1680), // due 2026-03-31T13:00Z, after now: not overdue
        step('outline', 'waiting', null),
      ),
    }),
    kase(6, '2025-01-01T09:00:00Z', 'lost', [], { client: 'beta' }), // before the window
    // no steps snapshot: counts for everything but "overdue"
    kase(7, '2026-03-01T09:00:00Z', 'closed', [done('own_up', 100)], {
      client: 'Gamma',
      closedAt: '2026-03-10T09:00:00Z',
    }),
  ];
  const r = learnAcrossCases(cases, { now: NOW });

  it('covers 365 days by default', () => {
    expect(r.from).toEqual(at('2025-03-31T12:00:00Z'));
    expect(r.to).toEqual(NOW);
  });

  it('finds clients with more than one case, names normalised', () => {
    expect(r.repeatClients).toEqual([
      { key: 'acme', client: 'Acme', caseIds: [2, 1] },
      { key: 'σοφια αε', client: 'Σοφία  αε', caseIds: [3, 4] },
    ]);
  });

  it('ranks the steps most often overdue or skipped', () => {
    expect(r.troubleSteps).toEqual([
      { key: 'own_up', n: 5, overdue: 2, skipped: 0 },
      { key: 'compensation', n: 0, overdue: 0, skipped: 2 },
      { key: 'corrective_changes', n: 3, overdue: 2, skipped: 0 },
      { key: 'meeting', n: 1, overdue: 1, skipped: 0 },
    ]);
  });

  it('lists ended cases whose corrective changes were never done', () => {
    expect(r.changesNotDone).toEqual({ n: 5, hits: 3, value: 3 / 5, caseIds: [2, 4, 7] });
  });

  it('relates the time to own up to winning back, each bucket with its n', () => {
    expect(r.winBackByOwnUp).toEqual({
      within24h: { n: 2, hits: 2, value: 1 }, // cases 1 and 3 (case 7 is closed, not decided)
      later: { n: 1, hits: 0, value: 0 }, // case 2, after 30 h
      never: { n: 1, hits: 0, value: 0 }, // case 4
    });
  });

  it('counts an own-up at exactly 24 h as within 24 h', () => {
    const l = learnAcrossCases(
      [
        kase(1, '2026-03-01T09:00:00Z', 'won_back', [done('own_up', 1440)]),
        kase(2, '2026-03-02T09:00:00Z', 'lost', [done('own_up', 1441)]),
      ],
      { now: NOW },
    );
    expect(l.winBackByOwnUp.within24h).toEqual({ n: 1, hits: 1, value: 1 });
    expect(l.winBackByOwnUp.later).toEqual({ n: 1, hits: 0, value: 0 });
  });

  it('has nothing to report for no cases: empty lists, n = 0, nulls', () => {
    const e = learnAcrossCases([], { now: NOW });
    expect(e.repeatClients).toEqual([]);
    expect(e.troubleSteps).toEqual([]);
    expect(e.changesNotDone).toEqual({ n: 0, hits: 0, value: null, caseIds: [] });
    for (const f of Object.values(e.winBackByOwnUp))
      expect(f).toEqual({ n: 0, hits: 0, value: null });
    assertFinite(e);
  });

  it('finds nothing to learn from one good case', () => {
    const one = learnAcrossCases([cases[0] as OutcomeCase], { now: NOW });
    expect(one.repeatClients).toEqual([]);
    expect(one.troubleSteps).toEqual([{ key: 'meeting', n: 1, overdue: 1, skipped: 0 }]);
    expect(one.changesNotDone).toEqual({ n: 1, hits: 0, value: 0, caseIds: [] });
    expect(one.winBackByOwnUp.within24h).toEqual({ n: 1, hits: 1, value: 1 });
    assertFinite(one);
  });
});

describe('decided cases count in the window of their decision (issue 23)', () => {
  // NOW is 2026-03-31T12:00Z; the 90-day window is (2025-12-31T12:00Z, NOW].
  const DAY = 24 * 60;
  const lostYesterday = kase(
    1,
    '2025-12-21T12:00:00Z', // 100 days before NOW
    'lost',
    [
      done('own_up', 60),
      ev('client_refused', 20 * DAY),
      ev('case_closed', 99 * DAY, null, { outcome: 'lost', reason: 'went to a competitor' }),
    ],
    { closedAt: '2026-03-30T12:00:00Z' },
  );
  // Opened 120 days ago, won back 91 days ago: decided before the window, counts nowhere.
  const wonBeforeWindow = kase(2, '2025-12-01T12:00:00Z', 'won_back', [done('own_up', 30)], {
    closedAt: '2025-12-30T12:00:00Z',
  });
  // Opened 10 days ago and won back 5 days ago: opened and decided in the window.
  const wonRecently = kase(
    3,
    '2026-03-21T12:00:00Z',
    'won_back',
    [done('own_up', 30), done('apologize', 100), ev('client_accepted', 2 * DAY)],
    { closedAt: '2026-03-26T12:00:00Z' },
  );
  // Decided exactly at the window's start (out) and exactly now (in).
  const lostAtStart = kase(4, '2025-11-01T09:00:00Z', 'lost', [], {
    closedAt: '2025-12-31T12:00:00Z',
  });
  const wonNow = kase(5, '2025-10-01T09:00:00Z', 'won_back', [], {
    closedAt: '2026-03-31T12:00:00Z',
  });
  // Opened 120 days ago, refused 95 days ago, still open: open now, and refused.
  const refusedLongAgo = kase(6, '2025-12-01T12:00:00Z', 'open', [ev('client_refused', 25 * DAY)]);
  // Refused, then accepted: open, not refused.
  const refusedThenAccepted = kase(7, '2026-03-01T12:00:00Z', 'open', [
    ev('client_refused', DAY),
    ev('client_accepted', 3 * DAY),
  ]);
  // Refused last week: the latest refusal comes first in the list.
  const refusedLastWeek = kase(8, '2026-03-10T12:00:00Z', 'open', [ev('client_refused', 14 * DAY)]);
  const all = [
    lostYesterday,
    wonBeforeWindow,
    wonRecently,
    lostAtStart,
    wonNow,
    refusedLongAgo,
    refusedThenAccepted,
    refusedLastWeek,
  ].map((c) => ({ ...c, ownerId: `U0OWNER0${c.id}` }));
  const r = summarizeOutcomes(all, { now: NOW, days: 90 });

  it('a case opened 100 days ago, lost yesterday, counts as lost in the 90-day window', () => {
    expect(summarizeOutcomes([lostYesterday], { now: NOW }).counts).toEqual({
      opened: 0,
      wonBack: 0,
      lost: 1,
      closed: 0,
      open: 0,
      refused: 0,
    });
  });

  it('the day before that case was lost, it counted as open, refused', () => {
    const dayBefore = summarizeOutcomes(
      [
        {
          ...lostYesterday,
          status: 'open',
          closedAt: null,
          events: lostYesterday.events.slice(0, -1),
        },
      ],
      { now: at('2026-03-29T12:00:00Z') },
    );
    expect(dayBefore.counts).toMatchObject({ lost: 0, open: 1, refused: 1 });
  });

  it('counts each case by when it was decided (edges too), or as open whatever its age', () => {
    // opened in the window: 3, 7, 8; won back in it: 3 and 5 (decided exactly now); lost: 1 (4 is
    // exactly at the start: out); open now: 6, 7, 8, of them 6 and 8 refused.
    expect(r.counts).toEqual({ opened: 3, wonBack: 2, lost: 1, closed: 0, open: 3, refused: 2 });
    expect(r.empty).toBe(false);
  });

  it('lists the lost cases with the reason', () => {
    expect(r.lostCases).toEqual([
      {
        id: 1,
        client: 'Client 1',
        channelId: 'C0CHAN001',
        ownerId: 'U0OWNER01',
        lostAt: at('2026-03-30T12:00:00Z'),
        reason: 'went to a competitor',
      },
    ]);
  });

  it('lists the refused cases, latest first', () => {
    expect(r.refusedCases.map((x) => [x.id, x.refusedAt.toISOString()])).toEqual([
      [8, '2026-03-24T12:00:00.000Z'],
      [6, '2025-12-26T12:00:00.000Z'],
    ]);
    expect(r.refusedCases[0]?.ownerId).toBe('U0OWNER08');
  });

  it('rates winning back among the cases decided in the window', () => {
    // decided in the window: 1 (lost, no apology), 3 (won, apology), 5 (won, neither)
    expect(r.winBackBy.apologyOnly).toEqual({ n: 1, hits: 1, value: 1 });
    expect(r.winBackBy.neither).toEqual({ n: 2, hits: 1, value: 0.5 });
    const l = learnAcrossCases(all, { now: NOW, days: 90 });
    // own-up within 24 h: 1 (lost) and 3 (won); never: 5
    expect(l.winBackByOwnUp.within24h).toEqual({ n: 2, hits: 1, value: 0.5 });
    expect(l.winBackByOwnUp.never).toEqual({ n: 1, hits: 1, value: 1 });
    // ended in the window: 1, 3, 5 (none listed a change nor did the step)
    expect(l.changesNotDone).toMatchObject({ n: 3, hits: 3, caseIds: [5, 1, 3] });
  });

  it('is empty only with no case opened, decided, or open in the window', () => {
    expect(summarizeOutcomes([wonBeforeWindow, lostAtStart], { now: NOW }).empty).toBe(true);
    expect(summarizeOutcomes([refusedLongAgo], { now: NOW }).empty).toBe(false);
  });
});

describe('corrective changes promised but not done, from the change events', () => {
  const at = (d: string) => new Date(`2026-11-${d}T10:00:00Z`);
  const ended = (
    id: number,
    events: { type: string; data?: Record<string, unknown>; stepKey?: string }[],
  ) => ({
    id,
    client: `C${id}`,
    channelId: 'C1',
    createdAt: at('02'),
    status: 'won_back' as const,
    closedAt: at('20'),
    events: events.map((e) => ({
      at: at('10'),
      type: e.type,
      stepKey: (e.stepKey ?? null) as never,
      data: e.data ?? null,
    })),
  });

  it('counts an ended case with a promise never done or dropped as one not kept', () => {
    const cases = [
      // two promises, one done, one never settled: broken
      ended(1, [
        { type: 'change_added', data: { id: 1 } },
        { type: 'change_added', data: { id: 2 } },
        { type: 'change_done', data: { id: 1 } },
        { type: 'step_done', stepKey: 'corrective_changes' },
      ]),
      // one done, one dropped with a reason: kept
      ended(2, [
        { type: 'change_added', data: { id: 1 } },
        { type: 'change_added', data: { id: 2 } },
        { type: 'change_done', data: { id: 1 } },
        { type: 'change_dropped', data: { id: 2, reason: 'x' } },
      ]),
    ];
    const l = learnAcrossCases(cases, { now: at('27') });
    expect(l.changesNotDone).toMatchObject({ n: 2, hits: 1, caseIds: [1] });
  });

  it('an ended case with no promise listed falls back to the corrective step', () => {
    const cases = [
      // none listed, step done: kept; none listed, step never done: broken
      ended(3, [{ type: 'step_done', stepKey: 'corrective_changes' }]),
      ended(4, []),
    ];
    const l = learnAcrossCases(cases, { now: at('27') });
    expect(l.changesNotDone).toMatchObject({ n: 2, hits: 1, caseIds: [4] });
  });
});

describe('an apology sent in the message to the client counts as an apology', () => {
  it('client_message_sent with apologized counts like the apology step done', () => {
    const at = new Date('2026-11-10T10:00:00Z');
    const c = {
      id: 1,
      client: 'Acme',
      channelId: 'C1',
      createdAt: at,
      status: 'won_back' as const,
      closedAt: at,
      events: [
        { at, type: 'client_message_sent', stepKey: null, data: { apologized: true } },
        { at, type: 'client_accepted', stepKey: null, data: null },
      ],
    };
    const s = summarizeOutcomes([c], { now: new Date('2026-11-27T10:00:00Z') });
    expect(s.apology).toMatchObject({ n: 1, hits: 1 });
    expect(s.winBackBy.apologyOnly).toMatchObject({ n: 1, hits: 1 });
  });
});
