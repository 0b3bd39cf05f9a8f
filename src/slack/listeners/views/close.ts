import { DomainError } from '../../../domain/errors.js';
import type { Outcome } from '../../../domain/recoveryCase.js';
import { mention } from '../../blocks/format.js';
import { OUTCOMES } from '../../blocks/modals.js';
import { line } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, selected, shown, text } from './submission.js';

/** The case closed with its outcome (and, optionally, why). */
export function closeView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.reason, async ({ act, user, values: v }) => {
    const outcome = selected(v, INPUT.outcome);
    if (!outcome || !(OUTCOMES as readonly string[]).includes(outcome))
      throw new DomainError('invalid_input', 'outcome');
    const reason = text(v, INPUT.reason);
    const ch = await announce(
      deps,
      () => deps.cases.close(act, outcome as Outcome, reason || null),
      (_ch, cat) => line(cat.thread.closed(mention(user), cat.outcome[outcome as Outcome])),
    );
    return shown(deps, ch);
  });
}
