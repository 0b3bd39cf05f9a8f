import type { types } from '@slack/bolt';
import type { Playbook } from '../../domain/playbook.js';
import {
  heldByRefusal,
  nextStepToDo,
  type RecoveryCase,
  stepView,
} from '../../domain/recoveryCase.js';
import type { Catalog } from '../../i18n/index.js';
import type { Rendered } from './caseMessage.js';
import { stepTitle } from './caseMessage.js';
import { clip, dateToken, escapeMrkdwn, literal, md, mention } from './format.js';

export function threadLink(c: RecoveryCase, teamDomain: string | null): string | null {
  if (!c.messageTs) return null;
  const host =
    teamDomain && /^[a-z0-9-]+$/i.test(teamDomain) ? `${teamDomain}.slack.com` : 'slack.com';
  return `https://${host}/archives/${c.channelId}/p${c.messageTs.replace('.', '')}`;
}

/** The next open step as the list says it: overdue marked as on the case, a snooze with its end. */
function nextStep(c: RecoveryCase, pb: Playbook, cat: Catalog, now: Date): string {
  const next = nextStepToDo(c, pb);
  if (!next) return cat.list.allDone;
  const title = literal(stepTitle(next.key, pb, cat));
  if (next.status === 'snoozed' && next.snoozedUntil)
    return `${title} (${cat.case.snoozedUntil(dateToken(next.snoozedUntil))})`;
  if (!next.dueAt) return title;
  const due = `${title} (${cat.case.due(dateToken(next.dueAt))})`;
  return stepView(next, now) === 'overdue' && !heldByRefusal(c, next, pb)
    ? `:red_circle: ${due} · *${cat.stepState.overdue}*`
    : due;
}

function caseLine(
  c: RecoveryCase,
  pb: Playbook,
  cat: Catalog,
  teamDomain: string | null,
  now: Date,
): string {
  const link = threadLink(c, teamDomain);
  const nextText = nextStep(c, pb, cat, now);
  const line = cat.list.line(
    link ? `<${link}|${cat.list.link} #${c.id}>` : `#${c.id} ${cat.list.noThread}`,
    clip(literal(c.client), 80),
    cat.severity[c.severity],
    mention(c.ownerId),
    nextText,
  );
  // Gone quiet, as App Home and the parent say.
  return c.calm.stalledAt ? `${line} · ${cat.home.stalled}` : line;
}

/** Lines joined into as few sections as fit (a section holds 3,000 characters). */
export function lineSections(lines: readonly string[]): types.KnownBlock[] {
  const out: types.KnownBlock[] = [];
  let chunk = '';
  for (const l of lines) {
    if (chunk && chunk.length + l.length + 1 > 2900) {
      out.push({ type: 'section', text: md(chunk) });
      chunk = '';
    }
    chunk += (chunk ? '\n' : '') + l;
  }
  if (chunk) out.push({ type: 'section', text: md(chunk) });
  return out;
}

/** `/incident list`: the channel's open cases and the caller's own, privately. */
export function renderList(
  cases: readonly RecoveryCase[],
  pb: Playbook,
  cat: Catalog,
  teamDomain: string | null,
  now: Date,
): Rendered {
  if (cases.length === 0)
    return { text: cat.list.empty, blocks: [{ type: 'section', text: md(cat.list.empty) }] };
  const lines = cases.map((c) => caseLine(c, pb, cat, teamDomain, now));
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cat.list.title } },
  ];
  blocks.push(...lineSections(lines));
  return { text: escapeMrkdwn(cat.list.title), blocks: blocks.slice(0, 50) };
}

export function renderHelp(cat: Catalog): Rendered {
  return { text: cat.help, blocks: [{ type: 'section', text: md(cat.help) }] };
}
