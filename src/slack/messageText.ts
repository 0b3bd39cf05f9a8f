/**
 * A Slack message's text as a person reads it, for a plain-text field (the form's *what happened*
 * when a case is opened from a message). Slack sends a message's `text` with its own markup: people
 * and channels as `<@U…>` and `<#C…|name>`, links as `<url|label>`, `@here` as `<!here>`, and `&`,
 * `<`, `>` as entities. Pure: the names of the people mentioned come from the caller.
 */

/** The user ids a message's text mentions without a name (`<@U…>`), each once, in order. */
export function mentionedUsers(text: string): string[] {
  const ids = new Set<string>();
  for (const m of text.matchAll(/<@([UW][A-Z0-9]+)>/g)) ids.add(m[1] as string);
  return [...ids];
}

/** `<…>` tokens made readable, then entities decoded (in that order: `&lt;@U1&gt;` stays text). */
export function readableText(text: string, nameOf: (userId: string) => string | null): string {
  const out = text.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    const label = bar < 0 ? '' : inner.slice(bar + 1);
    if (target.startsWith('@')) {
      const id = target.slice(1);
      return `@${label || nameOf(id) || id}`;
    }
    if (target.startsWith('#')) return `#${label || target.slice(1)}`;
    if (target.startsWith('!')) {
      const special = target.slice(1);
      // <!subteam^S1|@support>, <!date^1392734382^{date}|Feb 18th>: their label is what shows.
      if (label) return label;
      if (/^(here|channel|everyone)$/.test(special)) return `@${special}`;
      return special.startsWith('subteam^') ? `@${special.slice(8)}` : '';
    }
    const address = target.replace(/^mailto:/, '');
    return !label || label === target || label === address ? address : `${label} (${address})`;
  });
  return out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

/**
 * At most `max` UTF-16 units (what a plain_text_input's max_length allows either way it counts),
 * cut between characters and ending with `…` when cut.
 */
export function clipPlain(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = 0;
  for (const ch of s) {
    if (end + ch.length > max - 1) break;
    end += ch.length;
  }
  return `${s.slice(0, end).trimEnd()}…`;
}

/**
 * The words of a message as Slack sends it in a payload: its `text`, or, when that is empty (a
 * shared message, some bots' messages), the text of its attachments. A message with only files has
 * none: ''.
 */
export function messageText(m: {
  readonly text?: unknown;
  readonly attachments?: unknown;
}): string {
  if (typeof m.text === 'string' && m.text.trim()) return m.text;
  const attachments = Array.isArray(m.attachments) ? (m.attachments as unknown[]) : [];
  return attachments
    .map((x) => {
      const a = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
      return typeof a.text === 'string' && a.text.trim()
        ? a.text
        : typeof a.fallback === 'string'
          ? a.fallback
          : '';
    })
    .filter((s) => s.trim())
    .join('\n\n');
}
