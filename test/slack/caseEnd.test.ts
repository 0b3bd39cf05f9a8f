/**
 * The end of a case tells the truth (issue 23, item 3): a lost case reads as lost, a promise left
 * open when the case ended reads as not done, a step that can never start is not listed, a promise
 * past its date reads as overdue, and the changes step is due at its earliest promise.
 */
import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK as PB } from '../../src/domain/playbook.js';
import {
  addChange,
  closeCase,
  openCase,
  type RecoveryCase,
  recordAnswer,
  settleChange,
} from '../../src/domain/recoveryCase.js';
import { localToInstant } from '../../src/domain/workingTime.js';
import { en } from '../../src/i18n/en.js';
import { it as itCatalog } from '../../src/i18n/it.js';
import { renderCase } from '../../src/slack/blocks/caseMessage.js';
import { renderReminder } from '../../src/slack/blocks/reminder.js';
import { mrkdwnTexts } from '../helpers/blockKit.js';
import { openInput } from '../helpers/builders.js';

const OWNER = 'U0OWNER01';
const NOW = new Date('2026-11-23T09:00:00Z'); // Monday 10:00 in Rome
/** A promise made in the form for Friday 27 November: the end of that working day in Rome. */
const FRIDAY = new Date('2026-11-27T17:00:00Z');
const at = (iso: string) => new Date(iso);

const opened = (lang = 'en'): RecoveryCase => openCase(openInput({ lang }), PB, NOW).case;
const withChange = (c: RecoveryCase, by: Date | null, what = 'Second check of every pallet') =>
  addChange(c, { what, who: null, by }, OWNER, PB, NOW).case;

function block(blocks: types.KnownBlock[], id: string): types.KnownBlock | undefined {
  return blocks.find((b) => b.block_id === id);
}
const textOf = (blocks: types.KnownBlock[], id: string) =>
  mrkdwnTexts(block(blocks, id)).join('\n');
const everything = (blocks: types.KnownBlock[]) => mrkdwnTexts(blocks).join('\n');

describe('a lost case', () => {
  /** A case refused, then lost, rendered the day after. */
  const lostBlocks = () => {
    let c = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    c = closeCase(c, 'lost', 'They went to a competitor', OWNER, at('2026-12-21T09:00:00Z')).case;
    return renderCase(c, PB, at('2026-12-22T09:00:00Z')).blocks;
  };

  it('reads as lost: the refusal is no longer "for now"', () => {
    const blocks = lostBlocks();
    const facts = textOf(blocks, 'case_facts');
    expect(facts).toContain(en.case.refusedEnded);
    expect(facts).not.toContain(en.case.answer.refused);
    expect(everything(blocks)).not.toMatch(/for now/);
    expect(textOf(blocks, 'case_outcome')).toContain(en.outcome.lost);
    expect(textOf(blocks, 'case_outcome')).toContain('They went to a competitor');
  });

  it('lists no check-ins', () => {
    const blocks = lostBlocks();
    // Check-ins on the account follow an acceptance: on a lost case they never start.
    expect(block(blocks, 'step_check_in')).toBeUndefined();
    expect(everything(blocks)).not.toContain(en.stepState.waiting);
  });

  it('an answered case never reads "Client not told yet", even with its own-up not clicked', () => {
    const open = renderCase(opened(), PB, at('2026-11-30T08:00:00Z')).blocks;
    expect(textOf(open, 'case_facts')).toContain(en.case.notToldYet);
    for (const answer of ['refused', 'accepted'] as const) {
      const c = recordAnswer(opened(), answer, OWNER, PB, at('2026-11-30T09:00:00Z')).case;
      const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
      expect(textOf(blocks, 'case_facts')).not.toContain(en.case.notToldYet);
    }
  });

  it('while the case is open the refusal is still "for now"', () => {
    const c = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
    expect(textOf(blocks, 'case_facts')).toContain(en.case.answer.refused);
  });

  it('check-ins are listed only once the client accepts', () => {
    const c = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
    // Refused: check-ins are out of play until an acceptance is recorded.
    expect(block(blocks, 'step_check_in')).toBeUndefined();
    const accepted = recordAnswer(c, 'accepted', OWNER, PB, at('2026-12-07T09:00:00Z')).case;
    const after = renderCase(accepted, PB, at('2026-12-07T10:00:00Z')).blocks;
    expect(block(after, 'step_check_in')).toBeDefined();
  });
});

describe('an accepted case', () => {
  it('does not list "Keep trying, gently" as not started', () => {
    const before = renderCase(opened(), PB, NOW).blocks;
    expect(textOf(before, 'step_keep_trying')).toContain(en.stepState.waiting);
    const c = recordAnswer(opened(), 'accepted', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
    expect(block(blocks, 'step_keep_trying')).toBeUndefined();
    expect(everything(blocks)).not.toContain(en.stepTitle.keep_trying);
    // Check-ins started with the acceptance, and stay listed.
    expect(textOf(blocks, 'step_check_in')).toContain(en.stepTitle.check_in);
  });

  it('accepted with no meeting booked: the second meeting, which starts after the first, is not listed', () => {
    const before = renderCase(opened(), PB, NOW).blocks;
    expect(textOf(before, 'step_fix_meeting')).toContain(en.stepState.waiting);
    const c = recordAnswer(opened(), 'accepted', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    expect(c.steps.find((s) => s.key === 'meeting')?.status).toBe('skipped');
    const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
    expect(block(blocks, 'step_fix_meeting')).toBeUndefined();
    expect(everything(blocks)).not.toContain(en.stepState.waiting);
    // Closed with the changes still open: the client's answer it waits for never comes either.
    const closed = closeCase(opened(), 'closed', null, OWNER, at('2026-11-30T09:00:00Z')).case;
    const shown = renderCase(closed, PB, at('2026-11-30T10:00:00Z')).blocks;
    expect(block(shown, 'step_client_answer')).toBeUndefined();
    expect(block(shown, 'step_fix_meeting')).toBeUndefined();
    expect(everything(shown)).not.toContain(en.stepState.waiting);
  });

  it('once closed as won back, still does not list it', () => {
    let c = recordAnswer(opened(), 'accepted', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    c = closeCase(c, 'won_back', null, OWNER, at('2026-12-28T09:00:00Z')).case;
    const { blocks } = renderCase(c, PB, at('2026-12-28T10:00:00Z'));
    expect(block(blocks, 'step_keep_trying')).toBeUndefined();
    expect(textOf(blocks, 'case_facts')).toContain(en.case.answer.accepted);
  });
});

describe('a closed case’s open changes', () => {
  /** One change left open, one done, the case closed; rendered long after the promised date. */
  function closedWithChanges() {
    let c = withChange(opened(), FRIDAY);
    c = withChange(c, FRIDAY, 'A dedicated contact');
    c = settleChange(c, 2, { done: true }, OWNER, null, PB, at('2026-11-24T09:00:00Z')).case;
    c = closeCase(c, 'closed', null, OWNER, at('2026-11-25T09:00:00Z')).case;
    return renderCase(c, PB, at('2026-12-10T09:00:00Z')).blocks;
  }

  it('read as not done: no due date, no overdue mark, no buttons', () => {
    // A closed case is not "overdue" any more either.
    const blocks = closedWithChanges();
    const open = textOf(blocks, 'change_1');
    expect(open).toContain('Second check of every pallet');
    expect(open).toContain(en.changes.notDone);
    expect(open).toMatch(/^:white_circle: /);
    expect(open).not.toMatch(/due <!date/);
    expect(open).not.toContain(en.stepState.overdue);
    expect(block(blocks, 'change_actions_1')).toBeUndefined();
  });

  it('done ones stay done', () => {
    const blocks = closedWithChanges();
    const done = textOf(blocks, 'change_2');
    expect(done).toMatch(/^:white_check_mark: /);
    expect(done).not.toContain(en.changes.notDone);
  });

  it('while the case is open an open change is neither "not done" nor without its date', () => {
    const c = withChange(opened(), FRIDAY);
    const line = textOf(renderCase(c, PB, NOW).blocks, 'change_1');
    expect(line).not.toContain(en.changes.notDone);
    expect(line).toMatch(/due <!date\^1795798800\^/);
  });
});

describe('a promise past its date', () => {
  it('is marked overdue on the parent from its date on, not a minute before', () => {
    const c = withChange(opened(), FRIDAY);
    const before = textOf(renderCase(c, PB, at('2026-11-27T16:59:00Z')).blocks, 'change_1');
    expect(before).toMatch(/^:hammer_and_wrench: /);
    expect(before).not.toContain(en.stepState.overdue);
    const after = textOf(renderCase(c, PB, FRIDAY).blocks, 'change_1');
    expect(after).toMatch(/^:red_circle: /);
    expect(after).toContain(`${en.stepState.overdue} · due <!date^1795798800^`);
    // The step it belongs to says the same at the same instant.
    expect(textOf(renderCase(c, PB, FRIDAY).blocks, 'step_corrective_changes')).toContain(
      en.stepState.overdue,
    );
  });

  it('is marked overdue in the nudge that lists it too', () => {
    const c = withChange(opened(), FRIDAY);
    const { blocks } = renderReminder(
      { kind: 'nudge', occurrence: 2, stepKey: 'corrective_changes' },
      c,
      PB,
      at('2026-11-30T09:00:00Z'),
    );
    expect(everything(blocks)).toContain(`:red_circle: Second check of every pallet · Overdue`);
  });
});

describe('the changes step', () => {
  const dueOf = (c: RecoveryCase) => c.steps.find((s) => s.key === 'corrective_changes');

  /** A case with one change promised by the end of Friday's working day (the date picker's). */
  const promisedFriday = () => {
    // The form's date picker: the end of that working day in the owner's zone.
    const by = localToInstant('2026-11-27', PB.workingHours.end, 'Europe/Rome');
    expect(by?.toISOString()).toBe(FRIDAY.toISOString());
    return withChange(opened(), by);
  };

  it('is due exactly at its earliest promise', () => {
    expect(dueOf(promisedFriday())?.dueAt?.toISOString()).toBe('2026-11-27T17:00:00.000Z');
  });

  it('is nudged in the working hour before its earliest promise', () => {
    const c = promisedFriday();
    expect(dueOf(c)?.nextRemindAt?.toISOString()).toBe('2026-11-27T16:00:00.000Z');
  });

  it('follows the earliest open promise, whatever is added or kept', () => {
    let c = withChange(opened(), at('2026-12-04T17:00:00Z'), 'More stock');
    expect(dueOf(c)?.dueAt?.toISOString()).toBe('2026-12-04T17:00:00.000Z');
    c = withChange(c, FRIDAY);
    expect(dueOf(c)?.dueAt?.toISOString()).toBe('2026-11-27T17:00:00.000Z');
    c = settleChange(c, 2, { done: true }, OWNER, null, PB, at('2026-11-24T09:00:00Z')).case;
    expect(dueOf(c)?.dueAt?.toISOString()).toBe('2026-12-04T17:00:00.000Z');
  });
});

describe('in Italian', () => {
  /** An Italian case lost with a change left open, rendered the day after. */
  const lostInItalian = () => {
    let c = withChange(opened('it'), FRIDAY);
    c = recordAnswer(c, 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    c = closeCase(c, 'lost', 'Ha scelto un concorrente', OWNER, at('2026-12-21T09:00:00Z')).case;
    return renderCase(c, PB, at('2026-12-22T09:00:00Z')).blocks;
  };

  it('a lost case reads in Italian', () => {
    const blocks = lostInItalian();
    expect(textOf(blocks, 'case_facts')).toContain('Il cliente ha rifiutato');
    expect(everything(blocks)).not.toContain('Per ora');
  });

  it('a change left open reads in Italian', () => {
    const blocks = lostInItalian();
    expect(textOf(blocks, 'change_1')).toContain(itCatalog.changes.notDone);
  });
});

describe('a follow-up date still waiting when the case ends', () => {
  /** Refused, the +7 date missed and the +14 asked for, then lost on 21 Dec. */
  const lostWhileAsking = () => {
    let c = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    // The engine asked for the +14 follow-up (14 Dec) after the +7 (7 Dec) went by unrecorded.
    c = {
      ...c,
      steps: c.steps.map((s) =>
        s.key === 'keep_trying'
          ? {
              ...s,
              dueAt: at('2026-12-14T08:00:00Z'),
              cadence: { recorded: 0, missed: [at('2026-12-07T08:00:00Z')], extra: [] },
            }
          : s,
      ),
    };
    return closeCase(c, 'lost', 'They went to a competitor', OWNER, at('2026-12-21T09:00:00Z'))
      .case;
  };

  it('is counted missed, not dropped with the case', () => {
    const c = lostWhileAsking();
    const kt = c.steps.find((s) => s.key === 'keep_trying');
    expect(kt?.cadence?.missed.map((d) => d.toISOString())).toEqual([
      '2026-12-07T08:00:00.000Z',
      '2026-12-14T08:00:00.000Z',
    ]);
    expect(kt?.nextRemindAt).toBeNull();
  });

  it('is shown missed on the closed parent', () => {
    const c = lostWhileAsking();
    const line = textOf(renderCase(c, PB, at('2026-12-22T09:00:00Z')).blocks, 'step_keep_trying');
    expect(line).toContain('|2026-12-14>');
  });

  it('a date not yet come when the case ends is not missed', () => {
    // A date not yet come when the case ends is not missed.
    let d = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    d = closeCase(d, 'lost', 'Gone', OWNER, at('2026-12-01T09:00:00Z')).case;
    expect(d.steps.find((s) => s.key === 'keep_trying')?.cadence?.missed ?? []).toEqual([]);
  });
});

describe('steps held open after a refusal', () => {
  const overflowIds = (blocks: types.KnownBlock[], id: string): string[] => {
    const b = block(blocks, id) as
      | { elements?: { type: string; action_id?: string }[] }
      | undefined;
    return (b?.elements ?? []).filter((e) => e.type === 'overflow').map((e) => e.action_id ?? '');
  };

  it('offer no snooze (they get no reminders)', () => {
    const c = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
    expect(block(blocks, 'actions_outline')).toBeDefined();
    expect(overflowIds(blocks, 'actions_outline')).toEqual([]);
  });

  it('leave the keep-trying cadence its snooze', () => {
    const c = recordAnswer(opened(), 'refused', OWNER, PB, at('2026-11-30T09:00:00Z')).case;
    const { blocks } = renderCase(c, PB, at('2026-11-30T10:00:00Z'));
    expect(overflowIds(blocks, 'actions_keep_trying')).toHaveLength(1);
  });

  it('before the refusal, the same step offers its snooze', () => {
    const { blocks } = renderCase(opened(), PB, at('2026-11-30T10:00:00Z'));
    expect(overflowIds(blocks, 'actions_outline')).toHaveLength(1);
  });
});
