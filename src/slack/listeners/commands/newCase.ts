import { t } from '../../../i18n/index.js';
import { openCaseModal } from '../../blocks/modals.js';
import { formFailed } from '../../errors.js';
import { knownClients, type ListenerDeps } from '../deps.js';
import { type Command, firstDelivery, LOOKUP_MS } from './command.js';

/** `/incident` alone: the new-case form, for the channel it was typed in. */
export function newCaseCommand(deps: ListenerDeps) {
  return async (c: Command): Promise<void> => {
    if (!(await firstDelivery(deps, c))) return;
    const { team, user } = c;
    const { body, client } = c.args;
    // The form speaks the person's language and reads its dates in their time zone: Slack is
    // asked first (briefly: the trigger lasts 3 s), and the answer is cached for the submission.
    const { lang } = await deps.profiles.resolve(team, user, deps.cases.now(), LOOKUP_MS);
    const known = await knownClients(deps, team);
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: openCaseModal(t(lang), body.channel_id, user, lang, {}, known),
      });
    } catch (e) {
      // Said privately (the response URL), in their language: the form did not open.
      deps.log.error('views.open failed', { err: e });
      await c.say(formFailed(e, t(lang)));
      return;
    }
    await deps.profiles.resolve(team, user, deps.cases.now());
  };
}
