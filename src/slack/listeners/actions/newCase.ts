import { t } from '../../../i18n/index.js';
import { openCaseModal } from '../../blocks/modals.js';
import { knownClients, type ListenerDeps, teamOf } from '../deps.js';
import type { ActionArgs } from './click.js';

/** App Home's "New case": the same form as /incident, with a channel picker. */
export function newCaseAction(deps: ListenerDeps) {
  return async ({ ack, body, client }: ActionArgs): Promise<void> => {
    await ack();
    const team = teamOf(body);
    const user = body.user?.id;
    const trigger = (body as { trigger_id?: string }).trigger_id;
    if (!team || !user || !trigger) return;
    const { lang } = await deps.profiles.cachedOrDefault(team, user);
    const known = await knownClients(deps, team);
    await client.views
      .open({ trigger_id: trigger, view: openCaseModal(t(lang), null, user, lang, {}, known) })
      .catch((e) => deps.log.error('views.open failed', { err: e }));
  };
}
