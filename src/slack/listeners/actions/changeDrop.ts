import { DomainError } from '../../../domain/errors.js';
import { dropChangeModal } from '../../blocks/modals.js';
import { decodeChange } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { decoded, form, onClick, openCase } from './click.js';

/** A corrective change dropped: the form asking why. */
export function changeDropAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = decoded(decodeChange, v);
    const c = await openCase(deps, k.team, ref.caseId);
    if (ref.version !== c.version) throw new DomainError('stale_action');
    const x = c.changes.find((y) => y.id === ref.change);
    if (!x) throw new DomainError('invalid_input', 'change_not_found');
    if (x.status !== 'open') throw new DomainError('already_done');
    return form(deps, k, () => dropChangeModal(k.cat, c, ref.change));
  });
}
