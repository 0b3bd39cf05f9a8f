import { type ListenerDeps, teamOf } from '../deps.js';
import type { EventArgs } from './event.js';

/**
 * A channel shared with another organisation: every case shown there is withdrawn now (the parent
 * redrawn as a neutral line, its thread posts deleted, the owner told), not at its next redraw days
 * later.
 */
export function channelShared(deps: ListenerDeps) {
  return async ({ event, body, context }: EventArgs<'channel_shared'>): Promise<void> => {
    const team = teamOf(body) ?? context.teamId;
    const channel = (event as { channel?: string }).channel;
    if (!team || !channel) return;
    // Every replica reads this before its next post there (it is in the database first).
    await deps.presenter.view.forgetSharing(channel, true);
    const shown = (await deps.cases.list(team, channel, '')).filter((c) => c.channelId === channel);
    for (const c of shown)
      await deps.presenter
        .refresh(c)
        .catch((e) =>
          deps.log.error('could not withdraw a case', { team: c.teamId, case: c.id, err: e }),
        );
    if (shown.length)
      deps.log.info('channel shared outside: cases withdrawn', { channel, n: shown.length });
  };
}
