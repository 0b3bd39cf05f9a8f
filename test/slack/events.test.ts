import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UNINSTALLED } from '../../src/store/workspaceRepo.js';
import { mrkdwnTexts } from '../helpers/blockKit.js';
import { openViaCommand } from '../helpers/cases.js';
import { CHANNEL, type Harness, MARIA, present, TEAM } from '../helpers/harness.js';
import {
  click,
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
  ])(
    '%s (fixture envelope, signed JSON) stops the workspace’s work as uninstalled',
    async (_, file) => {
      const { h } = ctx;
      expect(await h.amends.workspaces.pausedReason(TEAM)).toBeNull();
      const r = await postEvent(h, envelope(file));
      expect(r.status).toBe(200);
      await present(
        async () => (await h.amends.workspaces.pausedReason(TEAM)) === UNINSTALLED,
        'uninstalled',
      );
      expect(await h.amends.workspaces.pausedReason(OTHER_TEAM)).toBeNull();
    },
  );

  it('tokens_revoked naming only user tokens changes nothing (Amends holds none)', async () => {
    const { h } = ctx;
    const env = envelope('event_callback.tokens_revoked.json');
    const event = env.event as { tokens: Record<string, unknown> };
    const userOnly = { ...env, event: { ...event, tokens: { oauth: ['W111'] } } };
    expect((await postEvent(h, userOnly)).status).toBe(200);
    present(() => h.logs.find((l) => l.msg.startsWith('user tokens revoked')), 'the event handled');
    expect(await h.amends.workspaces.pausedReason(TEAM)).toBeNull();
  });

  it('both events, in either order, repeated: uninstalled from the first', async () => {
    const { h } = ctx;
    await postEvent(h, envelope('event_callback.tokens_revoked.json'));
    await present(
      async () =>
        (await h.amends.store.repos.workspaces.uninstalledBefore(new Date(Date.now() + 1)))
          .length === 1,
      'uninstalled',
    );
    const first = h.amends.cases.now();
    h.clock.advance(3_600_000);
    await postEvent(h, envelope('event_callback.app_uninstalled.json'));
    await postEvent(h, envelope('event_callback.tokens_revoked.json'));
    present(
      () => h.logs.filter((l) => l.msg.startsWith('workspace uninstalled')).length >= 3,
      'all three handled',
    );
    // Still uninstalled as of the first word (its retention counts from then).
    expect(
      await h.amends.store.repos.workspaces.uninstalledBefore(new Date(first.getTime() + 1)),
    ).toEqual([TEAM]);
  });

  /** A case in this workspace and one in another, then this workspace uninstalled. */
  const uninstalledWithCases = async () => {
    const { h } = ctx;
    const mine = await openViaCommand(h, 'Acme: wrong pallets');
    expect((await h.command('Globex: late delivery', { team: OTHER_TEAM })).status).toBe(200);
    const others = await h.amends.cases.list(OTHER_TEAM, CHANNEL, '');
    expect(others).toHaveLength(1);
    await postEvent(h, envelope('event_callback.app_uninstalled.json'));
    await present(
      async () => (await h.amends.workspaces.pausedReason(TEAM)) === UNINSTALLED,
      'uninstalled',
    );
    return { h, mine, others };
  };

  it('the workspace’s cases are kept for the retention period', async () => {
    const { h, mine } = await uninstalledWithCases();
    h.clock.advance(29 * 86_400_000);
    await h.amends.housekeeping();
    expect(await h.amends.caseRepo.get(TEAM, mine.id)).not.toBeNull(); // still kept (export)
  });

  it('after the retention period the workspace’s cases are deleted, the deletion logged', async () => {
    const { h, mine } = await uninstalledWithCases();
    h.clock.advance(31 * 86_400_000);
    await h.amends.housekeeping();
    expect(await h.amends.caseRepo.get(TEAM, mine.id)).toBeNull();
    const said = present(
      () => h.logs.find((l) => l.msg.startsWith('workspace data deleted')),
      'the deletion logged',
    );
    expect(said.extra).toMatchObject({ team: TEAM, retentionDays: 30 });
  });

  it('deleting an uninstalled workspace’s cases leaves another workspace’s', async () => {
    const { h, mine, others } = await uninstalledWithCases();
    h.clock.advance(31 * 86_400_000);
    await h.amends.housekeeping();
    expect(await h.amends.caseRepo.get(TEAM, mine.id)).toBeNull();
    expect(await h.amends.cases.list(OTHER_TEAM, CHANNEL, '')).toEqual(others);
  });

  it('another workspace uninstalling leaves this one running', async () => {
    const { h } = ctx;
    await postEvent(h, envelope('event_callback.app_uninstalled.json', OTHER_TEAM));
    await present(async () => await h.amends.workspaces.pausedReason(OTHER_TEAM), 'other paused');
    expect(await h.amends.workspaces.pausedReason(TEAM)).toBeNull();
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
    await present(
      async () => (await h.amends.workspaces.pausedReason(TEAM)) === UNINSTALLED,
      'paused',
    );
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

  /** The home's mrkdwn before and after the team's header: the viewer's own steps, then the team's. */
  const split = (view: { blocks?: unknown[] } | undefined) => {
    const blocks = (view?.blocks ?? []) as { type: string; text?: { text?: string } }[];
    const at = blocks.findIndex(
      (b) => b.type === 'header' && b.text?.text === 'The team’s open cases',
    );
    return {
      mine: mrkdwnTexts(blocks.slice(0, at)).join('\n'),
      team: mrkdwnTexts(blocks.slice(at)).join('\n'),
    };
  };

  /** Maria's home view, with a case of hers and one of Joan's open. */
  async function mariasHome() {
    const { h } = ctx;
    await openCase(h, 'Acme Corp: wrong pallets');
    await openCase(h, 'Joan Client <!channel>: not Maria’s', { user: JOAN });
    const r = await postEvent(h, home(MARIA));
    expect(r.status).toBe(200);
    const call = present(() => h.fake.callsTo('views.publish')[0], 'views.publish');
    expect(call.args.user_id).toBe(MARIA);
    const view = call.args.view as { type: string; blocks: unknown[] };
    expect(view.type).toBe('home');
    expect(h.fake.homeViews.get(MARIA)?.type).toBe('home');
    return view;
  }

  it('publishes a home view listing the user’s own open steps', async () => {
    const view = await mariasHome();
    const { mine } = split(view);
    expect(mine).toContain('Acme Corp');
    expect(mine).toContain('Own up to the client');
    expect(mine).not.toContain('Joan Client');
    // Each of her steps carries its own buttons.
    expect(JSON.stringify(view.blocks)).toContain('"action_id":"amends_step_done"');
  });

  it('publishes a home view listing the team’s open cases', async () => {
    const { team } = split(await mariasHome());
    expect(team).toContain('Joan Client &lt;!channel&gt;');
    expect(team).toContain('Acme Corp');
  });

  it('says so when the user owns nothing', async () => {
    const { h } = ctx;
    await openCase(h, 'R&D <!channel> *Ltd*: wrong pallets', { user: JOAN });
    await postEvent(h, home(MARIA));
    const maria = split(present(() => h.fake.homeViews.get(MARIA), 'Maria’s home'));
    expect(maria.mine).toContain('Nothing waits for you.');
  });

  it('escapes what others typed', async () => {
    const { h } = ctx;
    await openCase(h, 'R&D <!channel> *Ltd*: wrong pallets', { user: JOAN });
    await postEvent(h, home(JOAN));
    const joan = present(() => h.fake.homeViews.get(JOAN), 'Joan’s home');
    expect(mrkdwnTexts(joan.blocks).join('\n')).toContain('R&amp;D &lt;!channel&gt;');
  });

  it('teaches when the workspace has no case yet', async () => {
    const { h } = ctx;
    await postEvent(h, home(MARIA));
    const first = mrkdwnTexts(h.fake.homeViews.get(MARIA)?.blocks).join('\n');
    expect(first).toContain('No open cases.');
    expect(first).toContain('No cases in this period yet.');
  });

  it('shows outcomes with how many cases they rest on', async () => {
    const { h } = ctx;
    await openCase(h, 'Acme Corp: wrong pallets');
    await postEvent(h, home(MARIA));
    const after = mrkdwnTexts(h.fake.homeViews.get(MARIA)?.blocks).join('\n');
    expect(after).toContain(
      '*1* case opened. Decided in these 90 days: 0 won back, 0 lost, 0 closed otherwise. Open now: 1.',
    );
    expect(after).toContain('Time to own up: no case owned up yet.');
  });

  /** A case opened 100 days ago and lost now, and one refused; Maria's home drawn after. */
  async function lostAndRefused(h: Harness) {
    const old = await openViaCommand(h, 'Old Client: wrong delivery in August');
    h.clock.advance(100 * 24 * 60 * 60_000);
    await h.amends.cases.close(
      { teamId: TEAM, caseId: old.id, actor: MARIA },
      'lost',
      'they went to a competitor',
    );
    const refused = await openViaCommand(h, 'Refusing Ltd: late pallets', { user: JOAN });
    await h.amends.cases.answer({ teamId: TEAM, caseId: refused.id, actor: JOAN }, 'refused');
    await postEvent(h, home(MARIA));
    const view = present(() => h.fake.homeViews.get(MARIA), 'home');
    return { old, refused, view, text: mrkdwnTexts(view.blocks).join('\n') };
  }

  it('counts a case lost right now though opened 100 days ago', async () => {
    const { h } = ctx;
    const { text } = await lostAndRefused(h);
    // Not "0 lost": the loss counts in the window of its decision.
    expect(text).toContain(
      '*1* case opened. Decided in these 90 days: 0 won back, 1 lost, 0 closed otherwise. Open now: 1, of which 1 refused (the team keeps trying).',
    );
  });

  it('lists the lost cases', async () => {
    const { h } = ctx;
    const { old, view, text } = await lostAndRefused(h);
    const lines = text.split('\n');
    expect(lines).toContain('*Lost in these 90 days*');
    const lostLine = lines.find((l) => l.startsWith(`• #${old.id} `));
    expect(lostLine).toContain('*Old Client*');
    expect(lostLine).toContain(`owner <@${old.ownerId}>, <#${CHANNEL}>`);
    expect(lostLine).toMatch(/· lost: <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>/);
    expect(lostLine).toContain('· why: they went to a competitor');
    // Plain-text blocks never carry a mention Slack would show raw.
    expect(JSON.stringify(view.blocks)).not.toMatch(/"type":"plain_text","text":"[^"]*<[#@]/);
  });

  it('lists the refused cases', async () => {
    const { h } = ctx;
    const { refused, text } = await lostAndRefused(h);
    const lines = text.split('\n');
    expect(lines).toContain('*Refused by the client, still being won back*');
    const refusedLine = lines.find((l) => l.startsWith(`• #${refused.id} `));
    expect(refusedLine).toContain('*Refusing Ltd*');
    expect(refusedLine).toContain(`owner <@${refused.ownerId}>`);
    expect(refusedLine).toContain('· refused: <!date^');
    // Its line among the team's open cases says so too.
    const teamLine = lines.find((l) => l.includes('*Refusing Ltd*') && l.includes('opened'));
    expect(teamLine).toContain('· the client refused: keep trying');
  });

  it('stays within 100 blocks with many cases, saying how many more there are', async () => {
    const { h } = ctx;
    for (let i = 0; i < 30; i++) await openCase(h, `Client ${i}: late delivery`);
    await postEvent(h, home(MARIA));
    const view = present(() => h.fake.homeViews.get(MARIA), 'home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = mrkdwnTexts(view.blocks).join('\n');
    expect(text).toMatch(/…and \d+ more/);
  });

  it('is redrawn after a change that concerns the viewer', async () => {
    const { h } = ctx;
    const c = await openViaCommand(h, 'Acme Corp: wrong pallets');
    await postEvent(h, home(MARIA));
    const before = h.fake.callsTo('views.publish').length;
    const own = c.steps.find((s) => s.key === 'own_up');
    await click(h, { action_id: 'amends_step_done', value: `${c.id}|own_up|${own?.version}` });
    expect(h.fake.callsTo('views.publish').length).toBeGreaterThan(before);
    expect(split(h.fake.homeViews.get(MARIA)).mine).not.toContain('Own up to the client');
  });

  /** Maria picks Greek on her home view. */
  async function pickedGreek() {
    const { h } = ctx;
    await openViaCommand(h, 'Acme Corp: wrong pallets');
    await postEvent(h, home(MARIA));
    // A static_select sends selected_option like an overflow menu does.
    await click(h, { type: 'overflow', action_id: 'amends_home_language', selected_value: 'el' });
    return h;
  }

  it('is redrawn in the language the viewer picks there', async () => {
    const h = await pickedGreek();
    const greek = mrkdwnTexts(h.fake.homeViews.get(MARIA)?.blocks).join('\n');
    expect(greek).toContain('Γράψε `/incident Πελάτης: τι συνέβη`');
  });

  it('stores the language the viewer picks there', async () => {
    const h = await pickedGreek();
    expect((await h.amends.store.repos.profiles.get(TEAM, MARIA))?.chosenLang).toBe('el');
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
