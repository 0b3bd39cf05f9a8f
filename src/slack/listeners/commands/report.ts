import { channelMention } from '../../blocks/format.js';
import { renderReport } from '../../blocks/report.js';
import { friendly } from '../../errors.js';
import type { ListenerDeps } from '../deps.js';
import { type Command, ephemeral } from './command.js';

/** `/incident report [all]`: computed from the events log, answered privately in the ack. */
export function reportCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    const { cat, args } = c;
    const channel = args.body.channel_id;
    const all = c.text.split(/\s+/)[1]?.toLowerCase() === 'all';
    let r: ReturnType<typeof renderReport>;
    try {
      const report = await deps.reports.report(c.team, all ? null : channel);
      // The channel as a mention: it renders in the report's mrkdwn line, never in plain text.
      const scope = all ? cat.report.scopeAll : cat.report.scopeChannel(channelMention(channel));
      r = renderReport(report, deps.cases.playbook, cat, scope);
    } catch (e) {
      await args.ack(ephemeral(friendly(e, cat, deps.log)));
      return;
    }
    await args.ack(ephemeral(r.text, r.blocks));
  };
}
