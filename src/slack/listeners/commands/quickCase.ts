import { DomainError } from '../../../domain/errors.js';
import type { RecoveryCase } from '../../../domain/recoveryCase.js';
import { parseQuickText } from '../../../services/cases.js';
import { friendly } from '../../errors.js';
import { catFor, type ListenerDeps, showWaiting } from '../deps.js';
import { toldAfterPublish } from '../tell.js';
import { type Command, ephemeral } from './command.js';

/**
 * `/incident Client: what happened`: the case stored (the commit awaited), acknowledged, then
 * posted in this channel; a mistake in what was typed is said in the ack, and nothing is stored.
 */
export function quickCaseCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    const { team, user, args } = c;
    const channel = args.body.channel_id;
    let stored: RecoveryCase;
    try {
      const { client, summary } = parseQuickText(c.text);
      stored = await deps.cases.open({
        teamId: team,
        channelId: channel,
        creatorId: user,
        client,
        summary,
        requestKey: c.requestKey,
      });
    } catch (e) {
      if (e instanceof DomainError && e.code === 'duplicate_request') {
        await args.ack();
        return;
      }
      // Nothing was stored: the user reads why in the answer to the command itself.
      await args.ack(ephemeral(friendly(e, c.cat, deps.log)));
      return;
    }
    await args.ack();
    // Cases stored here earlier (the bot was not in the channel) go first, in order.
    await showWaiting(deps, team, channel, stored.id);
    const shown = await deps.presenter.publish(stored);
    // Publishing asked Slack for the person's profile: what is said now is in their language.
    const cat = await catFor(deps, team, user);
    // A workspace paused earlier works again. Its record failing must not hide that the case was
    // posted: the next post that works resumes it.
    if (shown.ok)
      await deps.workspaces
        .resume(team)
        .catch((e: unknown) =>
          deps.log.error('could not record that the workspace works again', { err: e }),
        );
    // Said privately (the response URL): nothing of the case reaches a shared channel.
    const said = toldAfterPublish(shown, { case: stored, user, cat, did: 'opened', where: 'here' });
    if (said) await c.say(said.text, said.blocks);
  };
}
