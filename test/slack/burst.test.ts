/**
 * A burst of simultaneous /incident commands is taken whole while it fits in the gate's bound: none
 * is answered "busy" (no cap on requests in flight, no refusal for a stalled loop), every case is
 * stored once and posted once. The test client, the fake Slack and the app share one event loop
 * here, on a machine running other test files at once, so the bound is set wide: whether 500 fit in
 * production's 2 s on this machine is `npm run bench`'s burst rows, not a timed test.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { command, countCases, useHarness } from '../helpers/slack.js';

const parentPosts = (h: Parameters<typeof countCases>[0]) =>
  h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case');

describe('a burst of commands', () => {
  const ctx = useHarness({ boundMs: 30_000 });

  it.each([200, 500])(
    '%i simultaneous /incident are all served: each stored, posted once',
    async (n) => {
      const { h } = ctx;
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          command(h, `Client ${i}: wrong pallets`, { triggerId: `burst-${n}-${i}` }),
        ),
      );
      expect(answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(answers.filter((a) => a.text.includes(en.errors.busy))).toEqual([]);
      expect(h.amends.gate.refused.busy).toBe(0);
      expect(await countCases(h)).toBe(n);
      const posted = parentPosts(h);
      expect(posted).toHaveLength(n);
      expect(new Set(posted.map((m) => m.metadata?.event_payload?.case_id)).size).toBe(n);
    },
    120_000,
  );
});
