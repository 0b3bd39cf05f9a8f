import { closeModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { caseRef, form, onClick, openCase } from './click.js';

/** Close the case: the form asking for its outcome. */
export function closeAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const c = await openCase(deps, k.team, ref.caseId);
    return form(deps, k, () => closeModal(k.cat, c));
  });
}
