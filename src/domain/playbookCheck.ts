import { addDuration, type Duration, formatDuration } from './duration.js';
import { type Playbook, PlaybookError, SEVERITIES } from './playbook.js';

/** Instants every duration is tried from: a working morning, a Friday evening, a Sunday, both DST days. */
const FROM = [
  '2026-11-23T08:00:00Z', // Monday morning in Europe
  '2026-11-27T16:59:00Z', // Friday, just before the end of the day in Rome
  '2026-11-29T12:00:00Z', // Sunday
  '2026-03-29T01:30:00Z', // Europe/Rome springs forward
  '2026-11-01T05:30:00Z', // America/New_York falls back
].map((s) => new Date(s));
const ZONES = ['Europe/Rome', 'America/New_York', 'Asia/Tokyo', 'UTC'];
/** Further than this is not a due time anybody will wait for. */
const HORIZON_MS = 5 * 366 * 24 * 60 * 60_000;

function tryDuration(pb: Playbook, d: Duration, path: string): void {
  for (const from of FROM) {
    for (const tz of ZONES) {
      let at: Date;
      try {
        at = addDuration(from, d, pb.workingHours, tz);
      } catch (e) {
        throw new PlaybookError(
          path,
          `"${formatDuration(d)}" cannot be counted with these working hours (${(e as Error).message}); every case would fail`,
        );
      }
      const t = at.getTime();
      if (!Number.isFinite(t) || t <= from.getTime() || t - from.getTime() > HORIZON_MS)
        throw new PlaybookError(
          path,
          `"${formatDuration(d)}" lands more than 5 years away (or nowhere); write a shorter duration`,
        );
    }
  }
}

/**
 * Refuses, at start-up and with the field named, a playbook that would make a case fail later:
 * every step's due time, repeat and escalation delay is computed for every severity from a few
 * fixed instants and time zones, as a case would compute them.
 */
export function checkPlaybook(pb: Playbook): void {
  pb.steps.forEach((def, i) => {
    for (const sev of SEVERITIES) {
      const due = def.due[sev];
      if (typeof due === 'object') tryDuration(pb, due, `steps[${i}].due.${sev}`);
      const esc = def.escalateAfter[sev];
      if (esc) tryDuration(pb, esc, `steps[${i}].escalateAfter.${sev}`);
    }
    if (def.repeat) tryDuration(pb, def.repeat, `steps[${i}].repeat`);
  });
}
