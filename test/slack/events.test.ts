import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mrkdwnTexts } from '../helpers/blockKit.js';
import { MARIA, present, TEAM } from '../helpers/harness.js';
import {
  command,
  eventEnvelope,
  JOAN,
  OTHER_TEAM,
  openCase,
  postEvent,
  useHarness,
} from '../helpers/slack.js';

const FIXTURES = new URL('../fixtures/slack/', import.meta.url);
type Json = Record<string, unknown>;
/** A fixture envelope with the team_id Slack adds for a workspace install. */
const envelope = (name: string, team = TEAM): Json => ({
  ...(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Json),
  team_id: team,
  event_time: Math.floor(Date.now() / 1000),
});

describe('app_uninstalled / tokens_revoked', () => {
  const ctx = useHarness();

  it.each([
    ['app_uninstalled', 'event_callback.app_uninstalled.json'],
    ['tokens_revoked', 'event_callback.tokens_revoked.json'],
  ])('%s (fixture envelope, signed JSON) pauses the workspace', async (reason, file) => {
    const { h } = ctx;
    expect(h.amends.workspaces.pausedReason(TEAM)).toBeNull();
    const r = await postEvent(h, envelope(file));
    expect(r.status).toBe(200);
    present(() => h.amends.workspaces.pausedReason(TEAM) === reason, `paused: ${reason}`);
    expect(h.amends.workspaces.pausedReason(OTHER_TEAM)).toBeNull();
  });

  it('another workspace uninstalling leaves this one running', async () => {
    const { h } = ctx;
    await postEvent(h, envelope('event_callback.app_uninstalled.json', OTHER_TEAM));
    present(() => h.amends.workspaces.pausedReason(OTHER_TEAM), 'other paused');
    expect(h.amends.workspaces.pausedReason(TEAM)).toBeNull();
  });

  it('a retried delivery (x-slack-retry-num) is harmless', async () => {
    const { h } = ctx;
    const env = envelope('event_callback.tokens_revoked.json');
    await postEvent(h, env);
    const r = await postEvent(h, env, {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(r.status).toBe(200);
    present(() => h.amends.workspaces.pausedReason(TEAM) === 'tokens_revoked', 'paused');
  });

  it('our envelope builder has every key of Slack’s fixture envelopes (but Grid’s enterprise_id)', () => {
    const ours = Object.keys(eventEnvelope({ type: 'app_home_opened' }));
    for (const f of ['event_callback.app_uninstalled.json', 'event_callback.tokens_revoked.json']) {
      const theirs = Object.keys(envelope(f)).filter((k) => k !== 'enterprise_id');
      expect(ours).toEqual(expect.arrayContaining(theirs));
    }
  });
});

describe('app_home_opened', () => {
  const ctx = useHarness();
  const home = (user: string, tab = 'home') =>
    eventEnvelope({ type: 'app_home_opened', user, channel: 'D0HOME001', tab });

  it('publishes a home view with the user’s own open cases', async () => {
    const { h } = ctx;
    await openCase(h, 'Acme Corp: wrong pallets');
    await openCase(h, 'Joan Client <!channel>: not Maria’s', { user: JOAN });
    const r = await postEvent(h, home(MARIA));
    expect(r.status).toBe(200);
    const call = present(() => h.fake.callsTo('views.publish')[0], 'views.publish');
    expect(call.args.user_id).toBe(MARIA);
    const view = call.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toContain('Acme Corp');
    expect(text).not.toContain('Joan Client');
    expect(h.fake.homeViews.get(MARIA)?.type).toBe('home');
  });

  it('says so when the user owns nothing, and escapes what others typed', async () => {
    const { h } = ctx;
    await openCase(h, 'R&D <!channel> *Ltd*: wrong pallets', { user: JOAN });
    await postEvent(h, home(JOAN));
    await postEvent(h, home(MARIA));
    present(() => h.fake.homeViews.get(MARIA) && h.fake.homeViews.get(JOAN), 'both homes');
    const joan = mrkdwnTexts(h.fake.homeViews.get(JOAN)?.blocks).join('\n');
    expect(joan).toContain('R&amp;D &lt;!channel&gt;');
    const maria = mrkdwnTexts(h.fake.homeViews.get(MARIA)?.blocks).join('\n');
    expect(maria).toContain('You own no open recovery cases.');
  });

  it('ignores the Messages tab', async () => {
    const { h } = ctx;
    await postEvent(h, home(MARIA, 'messages'));
    expect(h.fake.callsTo('views.publish')).toHaveLength(0);
  });
});

describe('url_verification', () => {
  const ctx = useHarness();

  it('echoes the challenge', async () => {
    const { h } = ctx;
    const r = await postEvent(h, { token: 'x', challenge: 'abc123', type: 'url_verification' });
    expect(r.status).toBe(200);
    expect(r.text).toContain('abc123');
    // and the app keeps working
    expect((await command(h, 'help')).status).toBe(200);
  });
});
