import { checkMeetingDetails, DEFAULT_MEETING_LENGTH } from '../../../domain/client.js';
import { DomainError } from '../../../domain/errors.js';
import { localToInstant } from '../../../domain/workingTime.js';
import { inviteLine } from '../../../services/cases.js';
import { dayToken, mention, timeToken } from '../../blocks/format.js';
import { line } from '../../blocks/thread.js';
import { INPUT } from '../../ids.js';
import type { ListenerDeps } from '../deps.js';
import { announce, onCaseSubmit, selected, shown, text } from './submission.js';

/** The meeting (or the one to show the fix) booked or moved: a thread line, then the invite. */
export function meetingView(deps: ListenerDeps) {
  return onCaseSubmit(deps, INPUT.meetingDate, async ({ act, team, user, meta, values: v }) => {
    const date = v[INPUT.meetingDate]?.[INPUT.meetingDate]?.selected_date;
    const time = v[INPUT.meetingTime]?.[INPUT.meetingTime]?.selected_time;
    // Cached when the form was opened (after that ack), else the default zone.
    const { tz } = await deps.profiles.cachedOrDefault(team, user);
    const at = date && time ? localToInstant(date, time, tz) : null;
    if (!at) throw new DomainError('invalid_input', 'meeting_date');
    // A form drawn before length and place were asked has neither: an hour, no place.
    const details = checkMeetingDetails(
      text(v, INPUT.meetingPlace),
      selected(v, INPUT.meetingLength) ?? DEFAULT_MEETING_LENGTH,
    );
    const fix = meta.step === 'fix_meeting';
    const ch = await announce(
      deps,
      () => (fix ? deps.cases.fixMeeting(act, at, details) : deps.cases.meeting(act, at, details)),
      // The line, then the invite: two outbox rows stored with the meeting, sent in order.
      (ch, cat) => [
        line(
          (fix
            ? ch.event.data?.from
              ? cat.thread.fixMeetingMoved
              : cat.thread.fixMeeting
            : ch.event.data?.from
              ? cat.thread.meetingMoved
              : cat.thread.meeting)(mention(user), dayToken(at), timeToken(at)),
        ),
        inviteLine(fix ? 'fix' : 'meeting', at, ch.case.version),
      ],
    );
    return shown(deps, ch);
  });
}
