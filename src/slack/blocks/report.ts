import type { types } from '@slack/bolt';
import type { DurationFigure, Rate } from '../../domain/outcomes.js';
import type { Playbook } from '../../domain/playbook.js';
import type { Catalog } from '../../i18n/index.js';
import type { Report } from '../../services/reports.js';
import type { Rendered } from './caseMessage.js';
import { stepTitle } from './caseMessage.js';
import { channelMention, clip, dateToken, literal, md, mention, span } from './format.js';
import { lineSections } from './lists.js';

const pct = (r: Rate, cat: Catalog): string =>
  r.value === null ? cat.report.noData : `${Math.round(r.value * 100)}%`;
const dur = (d: number | null, cat: Catalog): string =>
  d === null ? cat.report.noData : span(d, cat);

function durationLines(s: DurationFigure, m: DurationFigure, cat: Catalog): string[] {
  return [
    s.n === 0
      ? cat.report.ownUpNone
      : cat.report.ownUp(dur(s.medianMinutes, cat), dur(s.p90Minutes, cat), s.n),
    m.n === 0 ? cat.report.meetingNone : cat.report.meeting(dur(m.medianMinutes, cat), m.n),
  ];
}

/** At most this many lost (and refused) cases are listed; the rest are counted. */
const MAX_LISTED = 10;

/** `#12`, `*Acme*`, owner and channel of a listed case, ready for the catalog's line. */
const listed = (x: { id: number; client: string; ownerId: string | null; channelId: string }) =>
  [
    `#${x.id}`,
    clip(literal(x.client), 80),
    x.ownerId ? mention(x.ownerId) : '?',
    channelMention(x.channelId),
  ] as const;

/** The cases lost in the window and the open ones the client refused, each with its date. */
function lostAndRefused(r: Report, cat: Catalog): types.KnownBlock[] {
  const s = r.summary;
  return [
    // The store lists the latest refusals only; the count says how many there are.
    ...listSection(
      cat,
      cat.report.refusedTitle,
      s.refusedCases,
      Math.max(s.counts.refused, s.refusedCases.length),
      (x) => cat.report.refusedLine(...listed(x), dateToken(x.refusedAt)),
    ),
    ...listSection(cat, cat.report.lostTitle, s.lostCases, s.lostCases.length, (x) =>
      cat.report.lostLine(
        ...listed(x),
        dateToken(x.lostAt),
        x.reason ? clip(literal(x.reason), 200) : '',
      ),
    ),
  ];
}

/**
 * A titled list of cases (none: no section), the first MAX_LISTED of them, then how many more of
 * `total` there are.
 */
function listSection<T>(
  cat: Catalog,
  title: string,
  cases: readonly T[],
  total: number,
  line: (x: T) => string,
): types.KnownBlock[] {
  if (!cases.length) return [];
  return lineSections([
    `*${title}*`,
    ...cases.slice(0, MAX_LISTED).map(line),
    ...(total > MAX_LISTED ? [cat.home.more(total - MAX_LISTED)] : []),
  ]);
}

/**
 * The outcome figures (90 days), each with the number of cases it rests on, then the lost and the
 * refused cases. The header is plain text; what the figures cover (a channel mention, which only
 * renders in mrkdwn) is the context line under it.
 */
export function outcomeBlocks(r: Report, cat: Catalog, scope: string): types.KnownBlock[] {
  const s = r.summary;
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(cat.report.heading, 150) } },
    { type: 'context', elements: [md(clip(cat.report.about(scope), 3000))] },
  ];
  if (s.empty) {
    blocks.push({ type: 'section', text: md(cat.report.empty) });
    return blocks;
  }
  const c = s.counts;
  const w = s.winBackBy;
  blocks.push(
    {
      type: 'section',
      text: md(
        [
          cat.report.counts(c.opened, c.wonBack, c.lost, c.closed, c.open, c.refused),
          ...durationLines(s.timeToOwnUp, s.timeToMeeting, cat),
          cat.report.apology(pct(s.apology, cat), s.apology.hits, s.apology.n),
          cat.report.compensation(pct(s.compensation, cat), s.compensation.hits, s.compensation.n),
          // Follow-ups after the answer: recorded, and dates that went by with none recorded.
          ...(s.followUps.n
            ? [cat.report.followUps(s.followUps.recorded, s.followUps.missed, s.followUps.n)]
            : []),
        ].join('\n'),
      ),
    },
    {
      type: 'section',
      text: md(
        [
          `*${cat.report.winBackTitle}*`,
          cat.report.line(
            cat.report.both,
            pct(w.apologyAndCompensation, cat),
            w.apologyAndCompensation.hits,
            w.apologyAndCompensation.n,
          ),
          cat.report.line(
            cat.report.apologyOnly,
            pct(w.apologyOnly, cat),
            w.apologyOnly.hits,
            w.apologyOnly.n,
          ),
          cat.report.line(
            cat.report.compensationOnly,
            pct(w.compensationOnly, cat),
            w.compensationOnly.hits,
            w.compensationOnly.n,
          ),
          cat.report.line(cat.report.neither, pct(w.neither, cat), w.neither.hits, w.neither.n),
        ].join('\n'),
      ),
    },
    { type: 'context', elements: [md(cat.report.research)] },
    ...lostAndRefused(r, cat),
  );
  return blocks;
}

/** What past cases teach (365 days). */
export function learningBlocks(r: Report, pb: Playbook, cat: Catalog): types.KnownBlock[] {
  const l = r.learning;
  const lines: string[] = [];
  lines.push(
    l.repeatClients.length
      ? cat.report.repeatClients(
          l.repeatClients
            .slice(0, 10)
            .map((x) => `${literal(x.client)} (${x.caseIds.length})`)
            .join(', '),
        )
      : cat.report.noRepeat,
  );
  if (l.troubleSteps.length) {
    lines.push(`*${cat.report.trouble}*`);
    for (const s of l.troubleSteps.slice(0, 5))
      lines.push(
        cat.report.troubleLine(literal(stepTitle(s.key, pb, cat)), s.overdue, s.n, s.skipped),
      );
  }
  lines.push(cat.report.changesNotDone(l.changesNotDone.hits, l.changesNotDone.n));
  const o = l.winBackByOwnUp;
  lines.push(
    `*${cat.report.ownUpSpeed}*`,
    cat.report.line(cat.report.within24h, pct(o.within24h, cat), o.within24h.hits, o.within24h.n),
    cat.report.line(cat.report.later, pct(o.later, cat), o.later.hits, o.later.n),
    cat.report.line(cat.report.never, pct(o.never, cat), o.never.hits, o.never.n),
  );
  return [
    { type: 'header', text: { type: 'plain_text', text: clip(cat.report.learningTitle, 150) } },
    { type: 'section', text: md(clip(lines.join('\n'), 3000)) },
  ];
}

/** `/incident report`: the figures privately, for a channel or the workspace. */
export function renderReport(r: Report, pb: Playbook, cat: Catalog, scope: string): Rendered {
  const blocks = [...outcomeBlocks(r, cat, scope)];
  if (!r.summary.empty || r.learning.repeatClients.length > 0)
    blocks.push({ type: 'divider' }, ...learningBlocks(r, pb, cat));
  return { text: cat.report.title(scope), blocks };
}
