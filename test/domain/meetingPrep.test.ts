import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  findStep,
  openCase,
  type RecoveryCase,
  recordMeeting,
} from '../../src/domain/recoveryCase.js';
import { planStep } from '../../src/domain/reminders.js';
import { openInput } from '../helpers/builders.js';

const PB = DEFAULT_PLAYBOOK;
const ROME = 'Europe/Rome';
const OWNER = 'U0OWNER01';

function open(now: Date): RecoveryCase {
  return openCase(
    openInput({
      teamId: 'T1',
      channelId: 'C1',
      summary: 'Late',
      ownerId: OWNER,
      creatorId: OWNER,
      tz: ROME,
    }),
    PB,
    now,
  ).case;
}

/** Runs the planner for one step every 15 minutes and returns what it would post. */
function run(
  c: RecoveryCase,
  key: 'apologize',
  from: Date,
  to: Date,
): { kind: string; occurrence: number; at: string }[] {
  const out: { kind: string; occurrence: number; at: string }[] = [];
  let cur = c;
  for (let t = from.getTime(); t <= to.getTime(); t += 15 * 60_000) {
    const now = new Date(t);
    const p = planStep(cur, findStep(cur, key), PB, ROME, now);
    for (const r of p.reminders) out.push({ ...r, at: now.toISOString() });
    cur = { ...cur, steps: cur.steps.map((s) => (s.key === key ? p.step : s)) };
  }
  return out;
}

describe('meeting prep', () => {
  it('for a Monday meeting, comes on the working day before (Friday), not Monday morning', () => {
    const now = new Date('2026-11-18T09:00:00Z'); // Wednesday
    const c = recordMeeting(open(now), new Date('2026-11-23T09:00:00Z'), OWNER, PB, now).case; // Monday 10:00 Rome
    const sent = run(c, 'apologize', now, new Date('2026-11-23T08:59:00Z'));
    expect(sent).toEqual([{ kind: 'meeting_prep', occurrence: 1, at: '2026-11-20T16:00:00.000Z' }]); // Friday 17:00 Rome
  });

  it('re-booking the meeting gives the new prep a fresh key, so it is not swallowed by the outbox', () => {
    const now = new Date('2026-11-16T09:00:00Z');
    const first = recordMeeting(open(now), new Date('2026-11-19T09:00:00Z'), OWNER, PB, now).case;
    const sent1 = run(first, 'apologize', now, new Date('2026-11-18T12:00:00Z'));
    expect(sent1.map((r) => `${r.kind}:${r.occurrence}`)).toEqual(['meeting_prep:1']);
    const afterFirst = {
      ...first,
      steps: first.steps.map((s) => (s.key === 'apologize' ? { ...s, remindCount: 1 } : s)),
    };
    const moved = recordMeeting(
      afterFirst,
      new Date('2026-11-26T09:00:00Z'),
      OWNER,
      PB,
      new Date('2026-11-18T12:00:00Z'),
    ).case;
    const sent2 = run(
      moved,
      'apologize',
      new Date('2026-11-18T12:00:00Z'),
      new Date('2026-11-26T08:00:00Z'),
    );
    expect(sent2.map((r) => `${r.kind}:${r.occurrence}`)).toEqual(['meeting_prep:2']);
  });
});
