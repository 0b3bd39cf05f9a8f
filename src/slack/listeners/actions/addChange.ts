import { addChangeModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { currentStep, form, onClick, stepRef } from './click.js';

/** A corrective change added to the case: the form for what, who and by when. */
export function addChangeAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = stepRef(v);
    const c = await currentStep(deps, k.team, ref);
    return form(deps, k, () => addChangeModal(k.cat, c));
  });
}
