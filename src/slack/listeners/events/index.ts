import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { byId, type ListenerDeps, showWaiting, teamOf } from '../deps.js';

type Args<E extends string = string> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;

export function registerEvents(app: App, deps: ListenerDeps): void {
  // One Bolt listener for every event, dispatched by its type, as buttons and forms are (byId).
  // Bolt acknowledges an event before any listener runs.
  const events = byId<Args>((a) => a.event.type);
  const on = <E extends string>(type: E, listener: (a: Args<E>) => Promise<void>) =>
    events.on(type, listener as (a: Args) => Promise<void>);
  // App Home: the user's own open cases.
  on('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab !== 'home') return;
    const team = teamOf(body) ?? context.teamId;
    if (!team) return;
    // Their language first (briefly), so a first visit reads in it; then the home is kept current.
    await deps.profiles.resolve(team, event.user, deps.cases.now(), 700);
    await deps.home.opened(team, event.user);
    await deps.home
      .publish(client, team, event.user)
      .catch((e) => deps.log('views.publish failed', { error: String(e) }));
  });

  // Amends invited into a channel: what waited for it there goes out now.
  on('member_joined_channel', async ({ event, body, context }) => {
    if (!context.botUserId || event.user !== context.botUserId) return;
    const team = teamOf(body) ?? context.teamId;
    if (!team) return;
    const posted = await showWaiting(deps, team, event.channel);
    if (posted) deps.log('invited into a channel: posted the cases waiting there', { posted });
  });

  // A channel shared with another organisation: every case shown there is withdrawn now (the
  // parent redrawn as a neutral line, its thread posts deleted, the owner told), not at its next
  // redraw days later.
  on('channel_shared', async ({ event, body, context }) => {
    const team = teamOf(body) ?? context.teamId;
    const channel = (event as { channel?: string }).channel;
    if (!team || !channel) return;
    // Every replica reads this before its next post there (it is in the database first).
    await deps.presenter.view.forgetSharing(channel, true);
    const shown = (await deps.cases.list(team, channel, '')).filter((c) => c.channelId === channel);
    for (const c of shown)
      await deps.presenter
        .refresh(c)
        .catch((e) => deps.log('could not withdraw a case', { caseId: c.id, error: String(e) }));
    if (shown.length)
      deps.log('channel shared outside: cases withdrawn', { channel, n: shown.length });
  });

  // Uninstalled, or the bot's token revoked (the two come in either order): every piece of work
  // for that workspace stops and its tokens are deleted at once; its cases are kept for the
  // retention period (UNINSTALLED_RETENTION_DAYS), then deleted. User tokens alone revoked: Amends
  // holds none, so nothing changes.
  const uninstalled = async (body: unknown, context: { teamId?: string }, why: string) => {
    const team = teamOf(body) ?? context.teamId ?? null;
    if (!team) return;
    await deps.workspaces.uninstalled(team, deps.cases.now());
    deps.log(
      'workspace uninstalled: work stopped, tokens deleted, data kept for the retention period',
      {
        team,
        why,
      },
    );
  };
  on('app_uninstalled', async ({ body, context }) => uninstalled(body, context, 'app_uninstalled'));
  on('tokens_revoked', async ({ event, body, context }) => {
    const bot = (event as { tokens?: { bot?: unknown[] } }).tokens?.bot ?? [];
    if (bot.length > 0) return uninstalled(body, context, 'tokens_revoked');
    deps.log('user tokens revoked: Amends holds none, nothing to do', { team: teamOf(body) });
  });
  app.event(/.*/, events.dispatch);
}
