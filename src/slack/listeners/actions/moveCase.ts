import { moveModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { caseRef, form, onClick, openCase } from './click.js';

/** "Move the case" (from the menu, or the note about a shared channel): the channel picker. */
export function moveCaseAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = caseRef(v);
    const c = await openCase(deps, k.team, ref.caseId);
    return form(deps, k, () => moveModal(k.cat, c));
  });
}
