import { DomainError } from '../../../domain/errors.js';
import { findStep } from '../../../domain/recoveryCase.js';
import { dateToken } from '../../blocks/format.js';
import {
  cancelMeetingModal,
  outlineModal,
  ownerModal,
  severityModal,
} from '../../blocks/modals.js';
import { decodeMenu } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { decoded, form, onClick, openCase } from './click.js';

/** The case message's overflow menu: each choice opens its form, drawn from the stored case. */
export function caseMenuAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = decoded(decodeMenu, v);
    const c = await openCase(deps, k.team, ref.caseId);
    switch (ref.choice) {
      case 'owner':
        return form(deps, k, () => ownerModal(k.cat, c));
      case 'severity':
        return form(deps, k, () => severityModal(k.cat, c));
      case 'outline':
        if (!c.outline) throw new DomainError('invalid_transition', 'no_outline');
        return form(deps, k, () => outlineModal(k.cat, c, findStep(c, 'outline').version));
      case 'cancel_meeting':
      case 'cancel_fix_meeting': {
        const fix = ref.choice === 'cancel_fix_meeting';
        const at = fix ? c.fixMeetingAt : c.meetingAt;
        if (!at || at <= deps.cases.now()) throw new DomainError('invalid_input', 'no_meeting');
        return form(deps, k, () =>
          cancelMeetingModal(k.cat, c, dateToken(at), fix ? 'fix_meeting' : 'meeting'),
        );
      }
    }
  });
}
