/**
 * Many clicks on one case at once, with Slack answering each call in 30–300 ms: what Slack shows
 * last is the latest stored state, and one button clicked many times makes one change.
 */
import { describe, expect, it } from 'vitest';
import { renderCase } from '../../src/slack/blocks/caseMessage.js';
import { ACTION } from '../../src/slack/ids.js';
import { CHANNEL } from '../helpers/harness.js';
import { useSeededRandom } from '../helpers/random.js';
import {
  actionOn,
  click,
  countEvents,
  fresh,
  openCase,
  replies,
  stepOf,
  useHarness,
} from '../helpers/slack.js';

describe('parallel clicks on one case, Slack answering in 30–300 ms', () => {
  // Latencies come from a seeded sequence; a failure names the seed to replay it.
  const { random } = useSeededRandom();
  const ctx = useHarness({ latencyMs: () => 30 + Math.floor(random() * 270) });

  it('20 different actions at once: the parent Slack shows last is the render of the final stored state', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    const msg = structuredClone(o.parent);
    const steps = ['own_up', 'outline', 'meeting', 'compensation', 'corrective_changes'] as const;
    const actions = [
      ...steps.flatMap((step) => {
        const out = [];
        try {
          out.push(actionOn(msg, ACTION.done, { step }));
        } catch {}
        for (const choice of ['hour', 'tomorrow', 'next_week'] as const)
          try {
            out.push(actionOn(msg, ACTION.snooze, { step, choice }));
          } catch {}
        return out;
      }),
      actionOn(msg, ACTION.accepted),
    ];
    for (let i = 0; actions.length < 20; i++) {
      const again = actions[i];
      if (again) actions.push(again);
    }
    const rs = await Promise.all(actions.slice(0, 20).map((a) => click(h, a, { message: msg })));
    expect(rs.every((r) => r.status === 200)).toBe(true);

    const shown = h.fake.findMessage(CHANNEL, o.parent.ts);
    const expected = renderCase(await fresh(h, o.c), h.amends.cases.playbook, h.clock.now());
    expect(shown?.blocks).toEqual(expected.blocks);
    expect(shown?.text).toBe(expected.text);
  });

  /** The own-up's Done clicked 50 times at once. */
  async function fiftyClicks() {
    const { h } = ctx;
    const o = await openCase(h);
    const done = actionOn(o.parent, ACTION.done, { step: 'own_up' });
    const events = await countEvents(h);
    const before = replies(h, o.parent.ts).length;
    const rs = await Promise.all(
      Array.from({ length: 50 }, () => click(h, done, { message: o.parent })),
    );
    expect(rs.every((r) => r.status === 200)).toBe(true);
    return { h, o, events, before };
  }

  it('one button clicked 50 times at once makes one change, one thread line', async () => {
    const { h, o, events, before } = await fiftyClicks();
    expect(await countEvents(h)).toBe(events + 1);
    expect(stepOf(await fresh(h, o.c), 'own_up').status).toBe('done');
    expect(replies(h, o.parent.ts)).toHaveLength(before + 1);
  });

  it('one button clicked 50 times at once: the 49 clicks after the first get a private note', async () => {
    const { h } = await fiftyClicks();
    expect(h.fake.ephemerals).toHaveLength(49);
  });
});
