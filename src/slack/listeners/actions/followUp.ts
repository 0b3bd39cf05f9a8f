import { followUpModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { stepForm } from './click.js';

/** A follow-up (or check-in) step's button: the form for a note on it. */
export function followUpAction(deps: ListenerDeps) {
  return stepForm(deps, (k, c, ref) => followUpModal(k.cat, c, ref.step, ref.version));
}
