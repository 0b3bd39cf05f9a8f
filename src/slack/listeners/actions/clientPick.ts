import { t } from '../../../i18n/index.js';
import { openCaseModal } from '../../blocks/modals.js';
import { decodeMeta, VIEW } from '../../ids.js';
import { knownClients, type ListenerDeps, teamOf } from '../deps.js';
import type { ActionArgs } from './click.js';

/**
 * The new-case form: a known client picked fills in its details (the form drawn again, its detail
 * fields under new block ids so Slack shows the values; what was typed elsewhere stays). Where no
 * such event comes (the sandbox), the submission uses the details on record instead.
 */
export function clientPickAction(deps: ListenerDeps) {
  return async ({ ack, body, action, client }: ActionArgs): Promise<void> => {
    await ack();
    const team = teamOf(body);
    const user = body.user?.id;
    const view = (
      body as {
        view?: { id?: string; hash?: string; callback_id?: string; private_metadata?: string };
      }
    ).view;
    const picked = (action as { selected_option?: { value?: string } }).selected_option?.value;
    if (!team || !user || !view?.id || view.callback_id !== VIEW.open) return;
    if (!picked || !/^\d{1,12}$/.test(picked)) return;
    const known = await deps.cases.client(team, Number(picked));
    if (!known) return;
    const meta = decodeMeta(view.private_metadata) ?? {};
    const { lang } = await deps.profiles.cachedOrDefault(team, user);
    const list = await knownClients(deps, team);
    const form = openCaseModal(
      t(lang),
      meta.channelId ?? null,
      user,
      lang,
      { link: meta.link ?? null },
      list,
      known,
    );
    await client.views
      .update({ view_id: view.id, ...(view.hash ? { hash: view.hash } : {}), view: form })
      .catch((e) => deps.log.error('views.update failed', { err: e }));
  };
}
