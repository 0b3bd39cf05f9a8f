import type { types } from '@slack/bolt';
import type { Playbook, StepKey } from '../../domain/playbook.js';
import type { CaseEvent, Outline, RecoveryCase } from '../../domain/recoveryCase.js';
import type { Catalog } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import { ACTION, encodeCase } from '../ids.js';
import type { Rendered } from './caseMessage.js';
import { stepTitle } from './caseMessage.js';
import { mailtoLink } from './draft.js';
import { dateToken, escapeMrkdwn, literal, md, mention, plain } from './format.js';

/** A one-line thread message in mrkdwn (the line is built from escaped parts). */
export function line(text: string): Rendered {
  return { text, blocks: [{ type: 'section', text: md(text) }] };
}

/**
 * A thread line of a click that can be undone for a few minutes: the line with an Undo button
 * carrying the case and its version right after the click (see undoLast).
 */
export function undoableLine(text: string, c: RecoveryCase, cat: Catalog): Rendered {
  return {
    text,
    blocks: [
      {
        type: 'section',
        block_id: 'undo_line',
        text: md(text),
        accessory: {
          type: 'button',
          text: plain(cat.corrections.undo, 75),
          action_id: ACTION.undo,
          value: encodeCase({ caseId: c.id, version: c.version }),
        },
      },
    ],
  };
}

/**
 * A thread line whose Undo was used: the same line without its button, and who undid it and when.
 * `blocks` are the line's as Slack sent them with the click.
 */
export function undoUsed(
  blocks: readonly unknown[],
  cat: Catalog,
  who: string,
  at: Date,
): { text: string; blocks: unknown[] } {
  const text = cat.corrections.undoneMark(mention(who), dateToken(at));
  const kept = blocks.map((b) => {
    const block = b as { accessory?: { action_id?: string } };
    if (block.accessory?.action_id !== ACTION.undo) return b;
    const { accessory: _, ...rest } = block;
    return rest;
  });
  return {
    text,
    blocks: [...kept, { type: 'context', block_id: 'undo_used', elements: [md(text)] }],
  };
}

/** What an undo took back, as its thread line names it. */
export function undoneWhat(e: CaseEvent, pb: Playbook, cat: Catalog): string {
  const w = cat.corrections.what;
  const undid = (e.data as { undid?: string } | undefined)?.undid;
  const step = e.stepKey ? literal(stepTitle(e.stepKey, pb, cat)) : '';
  switch (undid) {
    case 'step_done':
      return w.step_done(step);
    case 'step_snoozed':
      return w.step_snoozed(step);
    case 'client_accepted':
    case 'client_refused':
    case 'client_message_sent':
    case 'change_done':
      return w[undid];
    default:
      return w.other;
  }
}

/** The bot's first reply in a new case's thread: what to do first, and why. */
export function firstReply(c: RecoveryCase, pb: Playbook): Rendered {
  const cat = t(c.lang);
  const first = c.steps.find((s) => s.status === 'pending') ?? c.steps[0];
  if (!first) return line(cat.help);
  return line(
    cat.thread.opened(
      mention(c.ownerId),
      literal(stepTitle(first.key, pb, cat)),
      cat.why[first.key],
    ),
  );
}

/** A titled list of user-written parts (outline, offer), shown as typed: plain text, never markup. */
export function withUserText(
  intro: string,
  parts: readonly (readonly [string, string])[],
): Rendered {
  const blocks: types.KnownBlock[] = [{ type: 'section', text: md(intro) }];
  // Slack refuses a message whose blocks hold more than 12,000 characters (msg_too_long): the
  // user's parts share what the intro and labels leave, each at most a section's 3,000.
  const fixed = intro.length + parts.reduce((n, [label]) => n + label.length + 2, 0);
  const share = Math.min(
    3000,
    Math.floor((MESSAGE_TEXT_LIMIT - fixed) / Math.max(1, parts.length)),
  );
  for (const [label, value] of parts) {
    blocks.push({ type: 'context', elements: [md(`*${escapeMrkdwn(label)}*`)] });
    blocks.push({ type: 'section', text: plain(value, share) });
  }
  return { text: intro, blocks };
}

/** What Slack accepts in all of a message's blocks together, less a margin for escaping. */
export const MESSAGE_TEXT_LIMIT = 11_500;

export function outlinePost(
  o: Outline,
  actor: string,
  cat: Catalog,
  o2: { edited?: boolean } = {},
): Rendered {
  const intro = (o2.edited ? cat.corrections.outlineEdited : cat.thread.outline)(mention(actor));
  return withUserText(intro, [
    [cat.outline.summary, o.summary],
    [cat.outline.happened, o.happened],
    [cat.outline.why, o.why],
    [cat.outline.prevention, o.prevention],
  ]);
}

/**
 * The steps a re-plan moved (an event's `moved` data), one per line with its new due time as a
 * date token, after the line that says why.
 */
export function movedLines(e: CaseEvent, pb: Playbook, cat: Catalog): string {
  const moved = (e.data as { moved?: { step?: string; due?: string | null }[] } | undefined)?.moved;
  if (!Array.isArray(moved)) return '';
  return moved
    .filter((m) => typeof m.step === 'string' && typeof m.due === 'string')
    .map((m) => {
      const key = m.step as StepKey;
      return `\n• *${literal(stepTitle(key, pb, cat))}* · ${cat.case.due(dateToken(new Date(m.due as string)))}`;
    })
    .join('');
}

/**
 * The draft to the client, posted in the thread for review: who posted it, its subject and body, a
 * link that opens it in the mail program (addressed to the client's contact, when on record), and
 * the button that marks it sent.
 */
export function draftPost(
  c: RecoveryCase,
  user: string,
  draft: { readonly subject: string; readonly body: string },
  to: string | null,
  cat: Catalog,
): Rendered {
  const subject = draft.subject.trim();
  const body = draft.body.trim();
  const r = withUserText(cat.draft.posted(mention(user)), [
    [cat.draft.subject, subject],
    [cat.draft.body, body],
  ]);
  const mail = mailtoLink({ subject, body }, undefined, to);
  const label = mail.clipped ? cat.draft.mailtoClipped : cat.draft.mailto;
  return {
    text: r.text,
    blocks: [
      ...r.blocks,
      { type: 'section', text: { type: 'mrkdwn', text: `:email: <${mail.url}|${label}>` } },
      {
        type: 'actions',
        elements: [caseButton(c, cat.draft.sent, ACTION.draftSent)],
      },
    ],
  };
}

/** A primary button acting on the case as it is now (its id and version in the value). */
export function caseButton(c: RecoveryCase, text: string, actionId: string): types.Button {
  return {
    type: 'button',
    style: 'primary',
    text: { type: 'plain_text', text },
    action_id: actionId,
    value: encodeCase({ caseId: c.id, version: c.version }),
  };
}
