import { literal, mention } from '../../blocks/format.js';
import { decodeChange } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { actOf, decoded, onClick, shown, undoable } from './click.js';

/** A corrective change marked done (a click, with Undo). */
export function changeDoneAction(deps: ListenerDeps) {
  return onClick(deps, async (k, v) => {
    const ref = decoded(decodeChange, v);
    const ch = await undoable(
      deps,
      () => deps.cases.settleChange(actOf(k, ref.caseId), ref.change, null, ref.version),
      (ch, cat) => {
        const x = ch.case.changes.find((y) => y.id === ref.change);
        return cat.changes.doneLine(mention(k.user), literal(x?.what ?? ''));
      },
    );
    return shown(deps, ch);
  });
}
