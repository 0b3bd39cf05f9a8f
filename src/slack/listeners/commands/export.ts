import type { ExportFiles } from '../../../services/export.js';
import { friendly, slackErrorCode } from '../../errors.js';
import { shareFiles } from '../../upload.js';
import type { ListenerDeps } from '../deps.js';
import type { Command } from './command.js';

/**
 * `/incident export`: every case of the workspace, private channels' included, as two CSV files,
 * for its admins only. They go to the person alone (their DM with Amends), never to the channel
 * the command was typed in.
 */
export function exportCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    const { cat, user, say } = c;
    const { client } = c.args;
    await c.args.ack();
    let u: { is_admin?: boolean; is_owner?: boolean } | undefined;
    try {
      u = (await client.users.info({ user })).user as typeof u;
    } catch (e) {
      // No file was made: the person reads that the check failed, not that an upload did.
      deps.log.error('export: admin check failed', { err: e });
      await say(cat.report.exportAdminCheckFailed);
      return;
    }
    if (!u?.is_admin && !u?.is_owner) {
      await say(cat.report.exportAdminsOnly);
      return;
    }
    // Written a page at a time between other requests (seconds with 10^5 events).
    let csv: ExportFiles;
    try {
      csv = await deps.reports.exportCsv(c.team);
    } catch (e) {
      await say(friendly(e, cat, deps.log));
      return;
    }
    try {
      const dm = await client.conversations.open({ users: user });
      const channel = dm.channel?.id;
      if (!channel) throw new Error('no DM channel');
      const day = deps.cases.now().toISOString().slice(0, 10);
      // Two files in one message: the case sheet (one row per case), then the timeline.
      await shareFiles(
        client,
        [
          { ...csv.cases, filename: `amends-cases-${day}.csv`, title: `Amends cases ${day}` },
          {
            ...csv.timeline,
            filename: `amends-timeline-${day}.csv`,
            title: `Amends timeline ${day}`,
          },
        ],
        { channelId: channel, comment: cat.report.exportReady },
      );
    } catch (e) {
      deps.log.error('export failed', { err: e, slack: slackErrorCode(e) });
      await say(cat.report.exportFailed);
    }
  };
}
