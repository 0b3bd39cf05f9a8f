import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK as PB } from '../../src/domain/playbook.js';
import {
  nextStepToDo,
  openCase as openDomainCase,
  recordAnswer,
  recordMeeting,
} from '../../src/domain/recoveryCase.js';
import { openSteps } from '../../src/slack/blocks/home.js';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
import { openInput } from '../helpers/builders.js';
import { CHANNEL } from '../helpers/harness.js';
import {
  click,
  fresh,
  input,
  nextView,
  openCase,
  press,
  replies,
  stepOf,
  submit,
  useHarness,
} from '../helpers/slack.js';

describe('recording the last planned follow-up', () => {
  // Mon 23 Nov 09:00 Rome: the case is opened and refused at once; its last date (+90) is Sunday
  // 21 Feb 2027, so Monday 22 Feb 09:00 Rome.
  const ctx = useHarness({ now: '2026-11-23T08:00:00Z' });

  it('says that was the last one, with when the offer to close comes, not "next follow-up"', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await click(h, {
      action_id: ACTION.refused,
      value: `${o.c.id}|${(await fresh(h, o.c)).version}`,
    });
    h.clock.set('2027-02-22T09:00:00Z');
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.followUp, { step: 'keep_trying' });
    const view = await nextView(h, VIEW.followUp, n);
    await submit(h, view, input.text(INPUT.followUpNote, 'Offered a small trial order'));

    const s = stepOf(await fresh(h, o.c), 'keep_trying');
    expect(s.dueAt).toBeNull();
    // A week on, the offer to close.
    expect(s.nextRemindAt?.toISOString()).toBe('2027-03-01T09:00:00.000Z');
    const line = replies(h, o.parent.ts).at(-1);
    const said = line?.text ?? '';
    expect(said).toContain('That was the last planned follow-up');
    expect(said).toContain(String(Date.parse('2027-03-01T09:00:00Z') / 1000));
    expect(said).not.toContain('Next follow-up');
    expect(JSON.stringify(line?.blocks)).toContain('Offered a small trial order');
  });
});

describe('the open steps after a refusal (App Home, the list)', () => {
  /** A case refused after its meeting, the apology still open. */
  const refusedAfterMeeting = () => {
    const t0 = new Date('2026-12-07T08:00:00Z');
    let c = openDomainCase(openInput({ tz: 'Europe/Rome' }), PB, t0).case;
    c = recordMeeting(c, new Date('2026-12-09T13:00:00Z'), 'U1', PB, t0).case;
    return recordAnswer(c, 'refused', 'U1', PB, new Date('2026-12-09T15:00:00Z')).case;
  };

  it('name keep trying as what comes next', () => {
    const c = refusedAfterMeeting();
    expect(nextStepToDo(c, PB)?.key).toBe('keep_trying');
    // Without the playbook (before this change) the old apology led, overdue.
    expect(nextStepToDo(c)?.key).not.toBe('keep_trying');
  });

  it('never mark a step from before the answer overdue', () => {
    const later = new Date('2027-01-20T10:00:00Z');
    const steps = openSteps([refusedAfterMeeting()], later, PB);
    expect(steps.find((x) => x.s.key === 'apologize')?.overdue).toBe(false);
    expect(steps.find((x) => x.s.key === 'keep_trying')?.overdue).toBe(true);
  });
});
