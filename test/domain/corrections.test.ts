import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  cancelMeeting,
  changeOwner,
  changeSeverity,
  closeCase,
  completeStep,
  openCase,
  type RecoveryCase,
  recordMeeting,
  rememberUndo,
  retimeOwner,
  snoozeStep,
  UNDO_WITHIN_MS,
  undoLast,
} from '../../src/domain/recoveryCase.js';
import { domainError, openInput } from '../helpers/builders.js';

const PB = DEFAULT_PLAYBOOK;
// Monday 2026-11-23 08:00Z: 09:00 in Rome, 03:00 in New York.
const NOW = new Date('2026-11-23T08:00:00Z');
const at = (iso: string) => new Date(iso);
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const opened = (o: Parameters<typeof openInput>[0] = {}): RecoveryCase => ({
  ...openCase(openInput(o), PB, NOW).case,
  id: 7,
});
const step = (c: RecoveryCase, key: string) => c.steps.find((s) => s.key === key);

describe('re-planning due times', () => {
  it('a new severity moves the due times the playbook gave, from when each step started', () => {
    const c = changeSeverity(opened(), 'critical', 'U1', PB, minutes(30)).case;
    expect(step(c, 'own_up')?.dueAt).toEqual(at('2026-11-23T10:00:00Z'));
    expect(step(c, 'own_up')?.nextRemindAt).toEqual(at('2026-11-23T10:00:00Z'));
    expect(c.severity).toBe('critical');
  });

  it('keeps a due time set by hand ("tell the client by")', () => {
    const hand = at('2026-11-23T15:30:00Z');
    const c = changeSeverity(opened({ dueOverride: hand }), 'critical', 'U1', PB, minutes(5)).case;
    expect(step(c, 'own_up')?.dueAt).toEqual(hand);
  });

  /** A critical case whose own-up was nudged once, next at 11:00Z, escalated at 10:30Z. */
  const nudgedOnce = (): RecoveryCase => {
    const base = opened({ severity: 'critical' });
    return {
      ...base,
      steps: base.steps.map((s) =>
        s.key === 'own_up'
          ? {
              ...s,
              remindCount: 1,
              nextRemindAt: at('2026-11-23T11:00:00Z'),
              escalatedAt: minutes(150),
            }
          : s,
      ),
    };
  };

  it('a step whose new due time is later waits for it, no longer escalated', () => {
    const later = changeSeverity(nudgedOnce(), 'major', 'U1', PB, minutes(150)).case;
    // Major: 12:00Z, still ahead at 10:30Z: nudged then, and no longer escalated.
    expect(step(later, 'own_up')).toMatchObject({
      dueAt: at('2026-11-23T12:00:00Z'),
      nextRemindAt: at('2026-11-23T12:00:00Z'),
      escalatedAt: null,
    });
  });

  it('a step overdue under its new due time, already nudged, keeps its next nudge', () => {
    const still = changeSeverity(nudgedOnce(), 'major', 'U1', PB, minutes(300)).case;
    expect(step(still, 'own_up')).toMatchObject({
      dueAt: at('2026-11-23T12:00:00Z'),
      nextRemindAt: at('2026-11-23T11:00:00Z'),
    });
  });

  const handedOver = () => changeOwner(opened(), 'U2', 'Europe/Rome', 'U1', PB, minutes(5));
  const retimed = () => retimeOwner(handedOver().case, 'U2', 'America/New_York', PB, minutes(6));

  it('a hand-over moves due times to the new owner’s working hours', () => {
    const ch = handedOver();
    expect(ch.case.ownerId).toBe('U2');
    expect(step(ch.case, 'own_up')?.dueAt).toEqual(at('2026-11-23T12:00:00Z'));
  });

  it('Slack’s later word on the new owner’s zone moves due times to it', () => {
    const moved = retimed();
    expect(moved.case.tz).toBe('America/New_York');
    expect(step(moved.case, 'own_up')?.dueAt).toEqual(at('2026-11-23T18:00:00Z'));
    expect(moved.event.data?.moved).toContainEqual({
      step: 'own_up',
      due: '2026-11-23T18:00:00.000Z',
    });
  });

  it('a word on the zone of an owner handed over since, or already in that zone, is stale', () => {
    const moved = retimed();
    // Handed over again meanwhile, or already in that zone: nothing to do.
    expect(
      domainError(() => retimeOwner(moved.case, 'U3', 'Asia/Tokyo', PB, minutes(7))).code,
    ).toBe('stale_action');
    expect(
      domainError(() => retimeOwner(moved.case, 'U2', 'America/New_York', PB, minutes(7))).code,
    ).toBe('stale_action');
  });

  it.each([
    [
      'the same owner',
      (c: RecoveryCase) => changeOwner(c, 'U0OWNER01', 'Europe/Rome', 'U1', PB, NOW),
      'owner_unchanged',
    ],
    [
      'the same severity',
      (c: RecoveryCase) => changeSeverity(c, 'major', 'U1', PB, NOW),
      'severity_unchanged',
    ],
    ['no meeting to cancel', (c: RecoveryCase) => cancelMeeting(c, 'U1', PB, NOW), 'no_meeting'],
  ])('refuses %s', (_what, act, detail) => {
    const e = domainError(() => act(opened()));
    expect(e.code).toBe('invalid_input');
    expect(e.detail).toBe(detail);
  });

  it('a closed case changes no more', () => {
    const closed = closeCase(opened(), 'closed', null, 'U1', NOW).case;
    expect(domainError(() => changeSeverity(closed, 'minor', 'U1', PB, NOW)).code).toBe(
      'case_closed',
    );
    expect(domainError(() => changeOwner(closed, 'U2', 'UTC', 'U1', PB, NOW)).code).toBe(
      'case_closed',
    );
  });

  it('a meeting already held cannot be cancelled', () => {
    const booked = recordMeeting(opened(), at('2026-11-24T10:00:00Z'), 'U1', PB, NOW).case;
    expect(
      domainError(() => cancelMeeting(booked, 'U1', PB, at('2026-11-24T11:00:00Z'))).detail,
    ).toBe('no_meeting');
    const off = cancelMeeting(booked, 'U1', PB, minutes(10)).case;
    expect(off.meetingAt).toBeNull();
    expect(step(off, 'meeting')?.status).toBe('pending');
  });
});

describe('undoLast', () => {
  const clicked = () => {
    const c = opened();
    return rememberUndo(c, completeStep(c, 'own_up', 'U1', null, PB, minutes(1)), minutes(1)).case;
  };

  it('puts the steps back at a higher version, keeping reminder counts', () => {
    const c = clicked();
    const nudged = { ...c, steps: c.steps.map((s) => ({ ...s, remindCount: s.remindCount + 2 })) };
    const ch = undoLast(nudged, c.version, 'U1', 'C0CHAN001', minutes(5));
    const s = step(ch.case, 'own_up');
    expect(s).toMatchObject({ status: 'pending', doneAt: null, remindCount: 2, version: 3 });
    expect(ch.event).toMatchObject({
      type: 'undone',
      stepKey: 'own_up',
      data: { undid: 'step_done' },
    });
    expect(ch.case.undo?.undoneBy).toBe('U1');
  });

  it.each([
    [
      'already',
      (c: RecoveryCase) =>
        undoLast(
          undoLast(c, c.version, 'U1', null, minutes(2)).case,
          c.version,
          'U1',
          null,
          minutes(3),
        ),
    ],
    [
      'expired',
      (c: RecoveryCase) =>
        undoLast(c, c.version, 'U1', null, new Date(minutes(1).getTime() + UNDO_WITHIN_MS + 1)),
    ],
    ['elsewhere', (c: RecoveryCase) => undoLast(c, c.version, 'U1', 'C0ELSE001', minutes(2))],
    ['not_yours', (c: RecoveryCase) => undoLast(c, c.version, 'U9', null, minutes(2))],
    [
      'moved_on',
      (c: RecoveryCase) => {
        const on = snoozeStep(c, 'outline', minutes(90), 'U1', null, minutes(2)).case;
        return undoLast({ ...on, undo: null }, c.version, 'U1', null, minutes(3));
      },
    ],
  ])('refuses: %s', (why, act) => {
    const e = domainError(() => act(clicked()));
    expect(e.code).toBe('cannot_undo');
    expect(e.detail).toBe(why);
  });

  it('the owner may undo someone else’s click', () => {
    const c = clicked();
    expect(undoLast(c, c.version, 'U0OWNER01', null, minutes(2)).event.actor).toBe('U0OWNER01');
  });

  it('an undo carrying a version from the future is refused as forged', () => {
    const c = clicked();
    expect(domainError(() => undoLast(c, c.version + 5, 'U1', null, minutes(2))).code).toBe(
      'invalid_input',
    );
  });
});

describe('undoLast beside the reminder engine', () => {
  it('leaves a step the click did not change as the engine left it (a nudge posted meanwhile is not owed again)', () => {
    const c = opened();
    const ch = rememberUndo(c, completeStep(c, 'own_up', 'U1', null, PB, minutes(1)), minutes(1));
    expect(ch.case.undo?.before.steps.map((s) => s.key)).toEqual(['own_up']);
    // The engine nudged the outline meanwhile: its count and next nudge moved, the version did not.
    const nudged: RecoveryCase = {
      ...ch.case,
      steps: ch.case.steps.map((s) =>
        s.key === 'outline'
          ? { ...s, remindCount: 1, nextRemindAt: at('2026-11-24T08:00:00Z') }
          : s,
      ),
    };
    const undone = undoLast(nudged, ch.case.version, 'U1', null, minutes(5)).case;
    expect(step(undone, 'outline')).toMatchObject({
      remindCount: 1,
      nextRemindAt: at('2026-11-24T08:00:00Z'),
    });
    expect(step(undone, 'own_up')?.status).toBe('pending');
  });
});
