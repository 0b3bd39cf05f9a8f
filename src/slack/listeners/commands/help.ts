import { t } from '../../../i18n/index.js';
import { renderHelp } from '../../blocks/lists.js';
import type { ListenerDeps } from '../deps.js';
import { type Command, ephemeral, LOOKUP_MS } from './command.js';

/** `/incident help` (or a word Amends does not know): what it can do, in the person's language. */
export function helpCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    if (await deps.profiles.isFresh(c.team, c.user, deps.cases.now())) {
      const r = renderHelp(c.cat);
      await c.args.ack(ephemeral(r.text, r.blocks));
      return;
    }
    // A first request: Slack is asked for the person's language (briefly) before they read a word.
    await c.args.ack();
    const { lang } = await deps.profiles.resolve(c.team, c.user, deps.cases.now(), LOOKUP_MS);
    const r = renderHelp(t(lang));
    await c.say(r.text, r.blocks);
  };
}
