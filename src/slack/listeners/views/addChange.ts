import { DomainError } from '../../../domain/errors.js';
import { localToInstant } from '../../../domain/workingTime.js';
import { dateToken, literal, mention } from '../../blocks/format.js';
import { line } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, shown, text } from './submission.js';

/** A corrective change added: what, who does it and by when, as the case message lists it. */
export function addChangeView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.changeWhat, async ({ act, team, user, caseId, values: v }) => {
    const what = text(v, INPUT.changeWhat);
    const who = v[INPUT.changeWho]?.[INPUT.changeWho]?.selected_user ?? null;
    const day = v[INPUT.changeBy]?.[INPUT.changeBy]?.selected_date ?? null;
    let by: Date | null = null;
    if (day) {
      // The end of that working day where the case's work is counted: the owner's zone.
      const { tz } = await deps.cases.get(team, caseId);
      by = localToInstant(day, deps.cases.playbook.workingHours.end, tz);
      if (!by) throw new DomainError('invalid_input', 'change_by_past');
    }
    const ch = await announce(
      deps,
      () => deps.cases.addChange(act, { what, who, by }),
      (_ch, cat) =>
        line(
          cat.changes.added(
            mention(user),
            cat.changes.line(
              `*${literal(what.trim())}*`,
              who ? mention(who) : '',
              by ? cat.case.due(dateToken(by)) : '',
            ),
          ),
        ),
    );
    return shown(deps, ch);
  });
}
