import { findStep } from '../../../domain/recoveryCase.js';
import { dateToken, mention } from '../../blocks/format.js';
import { decodeSnooze } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, decoded, onClick, shown, stepLabel, undoable } from './click.js';

/** A step's reminder put off (an hour, tomorrow morning, next week). */
export function snoozeAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = decoded(decodeSnooze, v);
    const ch = await undoable(
      deps,
      () => deps.cases.snooze(actOf(k, ref.caseId), ref.step, ref.choice, ref.version),
      (ch, cat) => {
        const until = findStep(ch.case, ref.step).snoozedUntil;
        // A date token every reader sees in their own zone; "tomorrow morning" and "next week"
        // are the owner's morning, and the line says so.
        const whose = ref.choice === 'hour' ? '' : cat.snooze.whose(mention(ch.case.ownerId));
        return cat.thread.snoozed(
          mention(k.user),
          stepLabel(deps, ref.step, cat),
          until ? `${dateToken(until)}${whose}` : '',
        );
      },
    );
    return shown(deps, ch);
  });
}
