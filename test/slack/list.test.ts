import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import {
  nextStepToDo,
  openCase,
  type RecoveryCase,
  type Step,
} from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import { renderList } from '../../src/slack/blocks/lists.js';
import { openInput } from '../helpers/builders.js';

const NOW = new Date('2026-12-01T10:00:00Z');

/** A case whose steps are set as a test needs (the rest as opened). */
function withSteps(set: Record<string, Partial<Step>>): RecoveryCase {
  const c = openCase(openInput(), DEFAULT_PLAYBOOK, new Date('2026-11-30T10:00:00Z')).case;
  return {
    ...c,
    id: 7,
    steps: c.steps.map((s) => ({ ...s, status: 'done' as const, ...set[s.key] })),
  };
}

const lineOf = (c: RecoveryCase) =>
  JSON.stringify(renderList([c], DEFAULT_PLAYBOOK, en, null, NOW).blocks);

describe('/incident list: the next step of a case', () => {
  it('is the earliest due step to do, not an optional step without a date listed before it', () => {
    const c = withSteps({
      fix_meeting: { status: 'pending', dueAt: null },
      client_answer: { status: 'pending', dueAt: new Date('2026-12-02T16:00:00Z') },
    });
    // One choice for the list and App Home.
    expect(nextStepToDo(c)?.key).toBe('client_answer');
    const line = lineOf(c);
    expect(line).toContain(en.stepTitle.client_answer);
    expect(line).not.toContain(en.stepTitle.fix_meeting);
  });

  it('is marked overdue when its date has passed', () => {
    const c = withSteps({ own_up: { status: 'pending', dueAt: new Date('2026-11-30T14:00:00Z') } });
    expect(lineOf(c)).toContain(`:red_circle:`);
    expect(lineOf(c)).toContain(`*${en.stepState.overdue}*`);
  });

  it('shows a snoozed step with the end of its snooze, when nothing else is to do', () => {
    const until = new Date('2026-12-03T08:00:00Z');
    const c = withSteps({
      own_up: { status: 'snoozed', snoozedUntil: until, dueAt: new Date('2026-11-30T14:00:00Z') },
    });
    const line = lineOf(c);
    expect(line).not.toContain(en.stepState.overdue);
    expect(line).toContain('snoozed until');
  });

  it('says when a case has gone quiet, as App Home does', () => {
    const c = withSteps({ own_up: { status: 'pending', dueAt: new Date('2026-11-30T14:00:00Z') } });
    const quiet = { ...c, calm: { ...c.calm, stalledAt: new Date('2026-11-30T16:00:00Z') } };
    expect(lineOf(quiet)).toContain(en.home.stalled);
    expect(lineOf(c)).not.toContain(en.home.stalled);
  });
});
