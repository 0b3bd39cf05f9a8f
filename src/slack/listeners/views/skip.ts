import { stepTitle } from '../../blocks/caseMessage.js';
import { literal, mention } from '../../blocks/format.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { onStepNote } from './submission.js';

/** An optional step skipped, with the reason given in the thread. */
export function skipView(deps: ListenerDeps) {
  return onStepNote(deps, INPUT.reason, {
    record: (r) => deps.cases.skip(r),
    label: (cat) => cat.modal.skip.reason,
    line: (_ch, cat, { user, step }) =>
      cat.thread.skipped(mention(user), literal(stepTitle(step, deps.cases.playbook, cat))),
  });
}
