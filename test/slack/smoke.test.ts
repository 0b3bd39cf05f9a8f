import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL, type Harness, startHarness, until } from '../helpers/harness.js';

describe('smoke', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.close());

  it('opens a case from /incident and marks own_up done', async () => {
    const r = await h.command('Acme Corp: shipped the wrong pallets to Turin');
    expect(r.status).toBe(200);
    const parent = await until(() => h.fake.messages.find((m) => m.channel === CHANNEL && (!m.thread_ts || m.thread_ts === m.ts)), 'parent');
    await until(() => h.fake.messages.find((m) => m.thread_ts === parent.ts && m.ts !== parent.ts), 'first reply');
    const c = h.amends.caseRepo.listOpen('T0AMENDS1', CHANNEL, 'x')[0];
    expect(c?.client).toBe('Acme Corp');
    const own = c?.steps.find((s) => s.key === 'own_up');
    await h.click({ action_id: 'amends_step_done', value: `${c?.id}|own_up|${own?.version}` }, { messageTs: parent.ts });
    await until(() => h.fake.callsTo('chat.update').length > 0, 'update');
    const after = h.amends.caseRepo.get('T0AMENDS1', c?.id ?? 0);
    expect(after?.steps.find((s) => s.key === 'own_up')?.status).toBe('done');
  });
});
