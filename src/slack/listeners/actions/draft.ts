import { DomainError } from '../../../domain/errors.js';
import { t } from '../../../i18n/index.js';
import { buildDraft, recipientOf } from '../../blocks/draft.js';
import { draftModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { caseRef, form, onClick, openCase } from './click.js';

/** The message to the client: drafted from the case, edited in a form, posted for review. */
export function draftAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const c = await openCase(deps, k.team, ref.caseId);
    const cat = t(c.lang);
    const owner = (await deps.profiles.nameOf(k.team, c.ownerId)) ?? '';
    // To the client's contact, in the client's language and zone (the case's when not on record).
    const to = recipientOf(c, await deps.cases.clientOf(c));
    const d = buildDraft(c, owner, deps.cases.now(), to);
    if (!d) throw new DomainError('invalid_input', 'outline');
    return form(deps, k, () => draftModal(cat, c, d));
  });
}
