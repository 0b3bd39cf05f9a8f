import { DomainError } from '../../../domain/errors.js';
import { findStep } from '../../../domain/recoveryCase.js';
import { skipModal } from '../../blocks/modals.js';
import type { ListenerDeps } from '../deps.js';
import { stepForm } from './click.js';

/** Skip on an optional step: the form asking why. */
export function skipAction(deps: ListenerDeps) {
  return stepForm(deps, (k, c, ref) => {
    if (!findStep(c, ref.step).optional) throw new DomainError('not_optional');
    return skipModal(k.cat, c, ref.step, ref.version);
  });
}
