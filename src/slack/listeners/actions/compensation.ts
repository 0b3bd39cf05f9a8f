import { compensationModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { stepForm } from './click.js';

/** The compensation step's button: the form for what was offered. */
export function compensationAction(deps: ListenerDeps) {
  return stepForm(deps, (k, c, ref) => compensationModal(k.cat, c, ref.version));
}
