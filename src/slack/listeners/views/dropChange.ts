import { DomainError } from '../../../domain/errors.js';
import { literal, mention } from '../../blocks/format.js';
import { withUserText } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, shown, text } from './submission.js';

/** A corrective change dropped, with the reason given in the thread. */
export function dropChangeView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.reason, async ({ act, user, meta, values: v }) => {
    if (!meta.change) throw new DomainError('case_not_found');
    const reason = text(v, INPUT.reason);
    const change = meta.change;
    const ch = await announce(
      deps,
      () => deps.cases.settleChange(act, change, reason, meta.version ?? null),
      (ch, cat) => {
        const x = ch.case.changes.find((y) => y.id === change);
        return withUserText(cat.changes.droppedLine(mention(user), literal(x?.what ?? '')), [
          [cat.changes.dropReason, reason.trim()],
        ]);
      },
    );
    return shown(deps, ch);
  });
}
