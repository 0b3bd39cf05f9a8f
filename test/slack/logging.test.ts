import { describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { CHANNEL, type Harness, TEAM } from '../helpers/harness.js';
import { click, openCase, press, useHarness } from '../helpers/slack.js';
import { readOnly } from '../store/database.js';

/** A listener that fails, as a bug would: what reaches the app's error handler. */
function failingListener(h: Harness): void {
  // Amends's own catch-all acknowledges the action; this listener only fails.
  h.amends.app.action('log_probe_fails', async () => {
    throw new Error('the listener broke');
  });
}

const probe = (value: string) => ({
  action_id: 'log_probe_fails',
  block_id: 'probe',
  type: 'button' as const,
  value,
});
const unknownAction = {
  action_id: 'no_such_action',
  block_id: 'probe',
  type: 'button' as const,
  value: 'x',
};

describe('LOG_LEVEL=error', () => {
  const ctx = useHarness({ logLevel: 'error', engine: 'sqlite' });

  it("writes the app's error handler line for a listener that fails", async () => {
    const { h } = ctx;
    ctx.allowUnexpected = true;
    failingListener(h);
    await click(h, probe('7|1'));
    const line = h.logs.find((l) => l.msg === 'unhandled listener error');
    expect(line?.level).toBe('error');
  });

  it('leaves out information lines', async () => {
    const { h } = ctx;
    await click(h, unknownAction);
    expect(h.logs.filter((l) => l.msg === 'nothing handles this; acknowledged')).toEqual([]);
  });
});

describe('LOG_LEVEL=info', () => {
  const ctx = useHarness({ engine: 'sqlite' });

  it('writes information lines', async () => {
    const { h } = ctx;
    await click(h, unknownAction);
    const line = h.logs.find((l) => l.msg === 'nothing handles this; acknowledged');
    expect(line?.level).toBe('info');
  });

  it("keeps the stack of the error the app's error handler logs", async () => {
    const { h } = ctx;
    ctx.allowUnexpected = true;
    failingListener(h);
    await click(h, probe('7|1'));
    const err = h.logs.find((l) => l.msg === 'unhandled listener error')?.extra?.err as
      | { message?: string; stack?: string }
      | undefined;
    expect(err?.message).toBe('the listener broke');
    expect(err?.stack).toMatch(/^Error: the listener broke\n\s+at /);
  });

  it('logs a failed save at error with its stack', async () => {
    const { h } = ctx;
    const o = await openCase(h);
    ctx.allowUnexpected = true;
    const writable = readOnly(h.amends.store);
    await press(h, o.parent, ACTION.done, { step: 'own_up' });
    writable();
    const line = h.logs.find((l) => l.msg === 'could not save');
    expect(line?.level).toBe('error');
    expect((line?.extra?.err as { stack?: string } | undefined)?.stack).toMatch(/\n\s+at /);
  });

  it("names the request's team, its case, on the lines logged for a click", async () => {
    const { h } = ctx;
    const o = await openCase(h);
    ctx.allowUnexpected = true;
    const writable = readOnly(h.amends.store);
    await press(h, o.parent, ACTION.done, { step: 'own_up' });
    writable();
    const line = h.logs.find((l) => l.msg === 'could not save');
    expect(line?.extra).toMatchObject({ team: TEAM, case: o.c.id });
  });

  it("names the request's team on the lines logged for a slash command", async () => {
    const { h } = ctx;
    ctx.allowUnexpected = true;
    const writable = readOnly(h.amends.store);
    await h.command('Beta: wrong invoice', { channel: CHANNEL });
    writable();
    const line = h.logs.find((l) => l.msg === 'could not save');
    expect(line?.extra?.team).toBe(TEAM);
    expect(line?.extra).not.toHaveProperty('case');
  });
});
