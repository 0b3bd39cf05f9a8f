import { afterEach, describe, expect, it } from 'vitest';
import type { RecoveryCase } from '../../src/domain/recoveryCase.js';
import type { StoredMessage } from '../../src/sandbox/fakeSlack.js';
import { openViaCommand, reminderPosts } from '../helpers/cases.js';
import { type Harness, MARIA, startHarness } from '../helpers/harness.js';
import { click } from '../helpers/slack.js';

const JOAN = 'U0JOAN001';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

/** Moves the injected clock in steps, ticking at each, as cron would (no sleeping). */
async function tickUntil(untilIso: string): Promise<void> {
  const end = new Date(untilIso).getTime();
  while (h.clock.now().getTime() < end) {
    h.clock.advance(15 * 60_000);
    await h.amends.reminders.tick();
  }
}

const postedAt = (m: StoredMessage): Date => new Date(Number(m.ts.split('.')[0]) * 1000);
/** "2026-12-28 09:00" in `tz`. */
const local = (d: Date, tz: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(d);
const kindOf = (m: StoredMessage) => String(m.metadata?.event_payload.kind);

/**
 * The walk, in one owner's zone: three cases over Christmas 2026 (25 December and
 * 1 January 2027 are Fridays), ticked every 15 minutes from Friday 18 December to Tuesday 5 January.
 * - "Acme", opened Friday 18 at 09:00 and left alone: it goes quiet five working days later.
 * - "Beta", opened and accepted Friday 18 at 09:00: weekly check-ins from there.
 * - "Gamma", opened Wednesday 23 at 09:00 and left alone: its own-up escalates two days later.
 * Returns each case's reminder posts as "yyyy-mm-dd hh:mm kind", in the owner's zone.
 */
async function walk(
  tz: string,
  user: string,
  fri18: string,
  wed23: string,
  holidays?: string,
): Promise<Record<'acme' | 'beta' | 'gamma', string[]>> {
  h = await startHarness({ now: fri18, ...(holidays ? { holidays } : {}) });
  const acme = await openViaCommand(h, 'Acme: neglected', { user });
  const beta = await openViaCommand(h, 'Beta: accepted', { user });
  await click(
    h,
    { action_id: 'amends_case_accepted', value: `${beta.id}|${beta.version}` },
    { user },
  );
  await tickUntil(wed23);
  const gamma = await openViaCommand(h, 'Gamma: opened on the 23rd', { user });
  await tickUntil('2027-01-05T23:00:00Z');
  const posts = (c: RecoveryCase) =>
    reminderPosts(h, c).map((m) => `${local(postedAt(m), tz)} ${kindOf(m)}`);
  return { acme: posts(acme), beta: posts(beta), gamma: posts(gamma) };
}

const ZONES = [
  ['Rome', 'Europe/Rome', MARIA, 'IT', '2026-12-18T08:00:00Z', '2026-12-23T08:00:00Z'],
  ['New York', 'America/New_York', JOAN, 'US-NY', '2026-12-18T14:00:00Z', '2026-12-23T14:00:00Z'],
] as const;

describe('holidays are not working time (HOLIDAYS)', () => {
  it.each(ZONES)(
    'in %s, what would speak on a public holiday (check-in, escalation, going quiet) waits for the next working day',
    async (_name, tz, user, holidays, fri18, wed23) => {
      const got = await walk(tz, user, fri18, wed23, holidays);
      const all = [...got.acme, ...got.beta, ...got.gamma];
      // Nothing on Christmas Day, the weekend after it, or New Year's Day.
      for (const day of ['2026-12-25', '2026-12-26', '2026-12-27', '2027-01-01'])
        expect(all.filter((p) => p.startsWith(day))).toEqual([]);
      expect(got.beta.filter((p) => p.endsWith(' cadence')).slice(0, 2)).toEqual([
        '2026-12-28 09:00 cadence',
        '2027-01-04 09:00 cadence',
      ]);
      expect(got.gamma.filter((p) => p.endsWith(' escalation'))).toEqual([
        '2026-12-28 09:00 escalation',
      ]);
      expect(got.acme.filter((p) => p.endsWith(' stalled'))).toEqual(['2026-12-28 09:00 stalled']);
    },
    60_000,
  );

  it('without HOLIDAYS the same walk speaks on the public holidays, as the issue saw', async () => {
    const [, tz, user, , fri18, wed23] = ZONES[0];
    const got = await walk(tz, user, fri18, wed23);
    expect(got.beta).toContain('2026-12-25 09:00 cadence');
    expect(got.beta).toContain('2027-01-01 09:00 cadence');
    expect(got.gamma).toContain('2026-12-25 09:00 escalation');
    expect(got.acme).toContain('2026-12-25 09:00 stalled');
  }, 60_000);
});
