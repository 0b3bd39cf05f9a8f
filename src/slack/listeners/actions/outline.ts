import { outlineModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { stepForm } from './click.js';

/** The outline step's button: the form for what happened, why, and what prevents it again. */
export function outlineAction(deps: ListenerDeps) {
  return stepForm(deps, (k, c, ref) => outlineModal(k.cat, c, ref.version));
}
