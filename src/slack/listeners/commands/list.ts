import { renderList } from '../../blocks/lists.js';
import { type ListenerDeps, showWaiting } from '../deps.js';
import { type Command, firstDelivery } from './command.js';

/** `/incident list`: the open cases of this channel, privately (what waited here posted first). */
export function listCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    if (!(await firstDelivery(deps, c))) return;
    const { body } = c.args;
    await showWaiting(deps, c.team, body.channel_id);
    const fresh = await deps.cases.list(c.team, body.channel_id, c.user);
    const r = renderList(
      fresh,
      deps.cases.playbook,
      c.cat,
      body.team_domain ?? null,
      deps.cases.now(),
    );
    await c.say(r.text, r.blocks);
  };
}
