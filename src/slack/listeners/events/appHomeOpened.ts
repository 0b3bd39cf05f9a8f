import { type ListenerDeps, teamOf } from '../deps.js';
import type { EventArgs } from './event.js';

/** App Home opened: the user's own open cases, kept current while they look. */
export function appHomeOpened(deps: ListenerDeps) {
  return async ({ event, body, client, context }: EventArgs<'app_home_opened'>): Promise<void> => {
    if (event.tab !== 'home') return;
    const team = teamOf(body) ?? context.teamId;
    if (!team) return;
    // Their language first (briefly), so a first visit reads in it; then the home is kept current.
    await deps.profiles.resolve(team, event.user, deps.cases.now(), 700);
    await deps.home.opened(team, event.user);
    await deps.home
      .publish(client, team, event.user)
      .catch((e) => deps.log.error('views.publish failed', { err: e }));
  };
}
