import { describe, expect, it } from 'vitest';
import { ACTION, INPUT, VIEW } from '../../src/slack/ids.js';
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

  it('says that was the last one and when the offer to close comes, not "next follow-up"', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    await click(h, { action_id: ACTION.refused, value: `${o.c.id}|${fresh(h, o.c).version}` });
    h.clock.set('2027-02-22T09:00:00Z');
    const parent = h.fake.findMessage(CHANNEL, o.parent.ts) ?? o.parent;
    const n = h.fake.callsTo('views.open').length;
    await press(h, parent, ACTION.followUp, { step: 'keep_trying' });
    const view = await nextView(h, VIEW.followUp, n);
    await submit(h, view, input.text(INPUT.followUpNote, 'Offered a small trial order'));

    const s = stepOf(fresh(h, o.c), 'keep_trying');
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
