/**
 * A burst of simultaneous /incident commands that fits in Slack's 3 s is taken whole: none is
 * answered "busy", every case is stored once and posted once.
 */
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { command, countCases, useHarness } from '../helpers/slack.js';

const parentPosts = (h: Parameters<typeof countCases>[0]) =>
  h.fake.messages.filter((m) => m.metadata?.event_type === 'amends_case');

describe('a burst of commands', () => {
  const ctx = useHarness();

  it.each([200, 500])(
    '%i simultaneous /incident: none refused, all stored and posted once',
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
      expect(countCases(h)).toBe(n);
      const posted = parentPosts(h);
      expect(posted).toHaveLength(n);
      expect(new Set(posted.map((m) => m.metadata?.event_payload?.case_id)).size).toBe(n);
    },
    120_000,
  );
});
