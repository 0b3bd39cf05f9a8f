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

  // Uninstalled or token revoked: reminders for that workspace pause (nothing is deleted).
  for (const name of ['app_uninstalled', 'tokens_revoked'] as const) {
    on(name, async ({ body, context }) => {
      const team =
        teamOf(body) ?? context.teamId ?? (body as { enterprise_id?: string }).enterprise_id;
      if (!team) return;
      await deps.workspaces.pause(team, name, deps.cases.now());
      deps.log('workspace paused', { team, reason: name });
    });
  }
  app.event(/.*/, events.dispatch);
}
