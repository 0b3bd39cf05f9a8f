/** Requests no feature asks for are answered at once with a 200, and change nothing. */
import { describe, expect, it } from 'vitest';
import { interactionBody, postSigned } from '../../src/sandbox/slackRequests.js';
import { TEAM } from '../helpers/harness.js';
import { countCases, countEvents, useHarness } from '../helpers/slack.js';

const user = { id: 'U0MARIA01', username: 'maria', name: 'maria', team_id: TEAM };

describe('requests nothing handles', () => {
  const ctx = useHarness();

  it('a view_closed of an unknown modal: 200, nothing stored', async () => {
    const { h } = ctx;
    const body = interactionBody({
      type: 'view_closed',
      team: { id: TEAM, domain: 'sandbox' },
      user,
      api_app_id: 'AAMENDS01',
      token: 'verification_token',
      view: { id: 'V0CLOSED1', type: 'modal', callback_id: 'nobody_knows', private_metadata: '' },
      is_cleared: false,
    });
    expect((await postSigned(h.url, h.secret, body)).status).toBe(200);
    expect(await countCases(h)).toBe(0);
    expect(await countEvents(h)).toBe(0);
  });

  it('a block_suggestion for a select Amends does not have: 200 with no options', async () => {
    const { h } = ctx;
    const body = interactionBody({
      type: 'block_suggestion',
      team: { id: TEAM, domain: 'sandbox' },
      user,
      api_app_id: 'AAMENDS01',
      token: 'verification_token',
      action_id: 'unknown_select',
      block_id: 'b',
      value: 'acm',
      container: { type: 'view', view_id: 'V0X' },
    });
    const r = await postSigned(h.url, h.secret, body);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ options: [] });
  });
});
