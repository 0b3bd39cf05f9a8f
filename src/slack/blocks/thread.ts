import type { types } from '@slack/bolt';
import type { Playbook } from '../../domain/playbook.js';
import type { Outline, RecoveryCase } from '../../domain/recoveryCase.js';
import type { Catalog } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import type { Rendered } from './caseMessage.js';
import { stepTitle } from './caseMessage.js';
import { escapeMrkdwn, literal, md, mention, plain } from './format.js';

/** A one-line thread message in mrkdwn (the line is built from escaped parts). */
export function line(text: string): Rendered {
  return { text, blocks: [{ type: 'section', text: md(text) }] };
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
  for (const [label, value] of parts) {
    blocks.push({ type: 'context', elements: [md(`*${escapeMrkdwn(label)}*`)] });
    blocks.push({ type: 'section', text: plain(value, 3000) });
  }
  return { text: intro, blocks };
}

export function outlinePost(o: Outline, actor: string, cat: Catalog): Rendered {
  return withUserText(cat.thread.outline(mention(actor)), [
    [cat.outline.summary, o.summary],
    [cat.outline.happened, o.happened],
    [cat.outline.why, o.why],
    [cat.outline.prevention, o.prevention],
  ]);
}
