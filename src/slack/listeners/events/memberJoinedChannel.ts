import { type ListenerDeps, showWaiting, teamOf } from '../deps.js';
import type { EventArgs } from './event.js';

/** Amends invited into a channel: what waited for it there goes out now. */
export function memberJoinedChannel(deps: ListenerDeps) {
  return async ({ event, body, context }: EventArgs<'member_joined_channel'>): Promise<void> => {
    if (!context.botUserId || event.user !== context.botUserId) return;
    const team = teamOf(body) ?? context.teamId;
    if (!team) return;
    const posted = await showWaiting(deps, team, event.channel);
    if (posted) deps.log.info('invited into a channel: posted the cases waiting there', { posted });
  };
}
