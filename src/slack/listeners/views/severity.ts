import { DomainError } from '../../../domain/errors.js';
import { SEVERITIES, type Severity } from '../../../domain/playbook.js';
import { mention } from '../../blocks/format.js';
import { line, movedLines } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, selected, shown } from './submission.js';

/** The severity changed: the line says from what to what, and which due times moved. */
export function severityView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.severity, async ({ act, user, values: v }) => {
    const sev = selected(v, INPUT.severity);
    if (!sev || !(SEVERITIES as readonly string[]).includes(sev))
      throw new DomainError('invalid_input', 'severity');
    const ch = await announce(
      deps,
      () => deps.cases.changeSeverity(act, sev as Severity),
      (ch, cat) => {
        const from = String(ch.event.data?.from ?? '') as Severity;
        return line(
          cat.corrections.severity.line(
            mention(user),
            cat.severity[from] ?? from,
            cat.severity[sev as Severity],
          ) + movedLines(ch.event, deps.cases.playbook, cat),
        );
      },
    );
    return shown(deps, ch);
  });
}
