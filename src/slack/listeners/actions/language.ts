import { isLang } from '../../../i18n/index.js';
import { type ListenerDeps, teamOf } from '../deps.js';
import type { ActionArgs } from './click.js';

/** App Home's language menu: the viewer's language stored, and the home redrawn in it. */
export function languageAction(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: ActionArgs): Promise<void> => {
    await ack();
    const team = teamOf(body);
    const user = body.user?.id;
    const picked = (action as { selected_option?: { value?: string } }).selected_option?.value;
    if (!team || !user || !picked || !isLang(picked)) return;
    await deps.profiles.chooseLanguage(team, user, picked);
    await deps.home.opened(team, user);
    await deps.home
      .publish(client, team, user)
      .catch((e) => deps.log.error('views.publish failed', { err: e }));
  };
}
