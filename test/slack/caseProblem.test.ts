import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase } from '../../src/domain/recoveryCase.js';
import { en } from '../../src/i18n/en.js';
import { renderCase } from '../../src/slack/blocks/caseMessage.js';
import { openInput } from '../helpers/builders.js';

const NOW = new Date('2026-11-23T09:00:00Z');
const shown = (problem: string) => {
  const c = { ...openCase(openInput(), DEFAULT_PLAYBOOK, NOW).case, deliveryProblem: problem };
  return JSON.stringify(renderCase(c, DEFAULT_PLAYBOOK, NOW).blocks);
};
const inJson = (s: string) => JSON.stringify(s).slice(1, -1);

describe('a delivery problem on the case message', () => {
  it.each(['http_502', 'ratelimited', 'request_error', 'sharing_unknown', 'unavailable'])(
    '%s: says in words that Amends will try Slack again, never the code',
    (code) => {
      const json = shown(code);
      expect(json).toContain(inJson(en.case.deliveryRetrying));
      expect(json).not.toContain(code);
    },
  );

  it.each(['not_in_channel', 'is_archived', 'channel_not_found'])(
    '%s: asks a person to check the channel, without the code',
    (code) => {
      const json = shown(code);
      expect(json).toContain(inJson(en.case.deliveryProblem));
      expect(json).not.toContain(code);
    },
  );
});
