import type { Catalog } from '../../i18n/index.js';

/** Slack's three control characters; after this, user text can't mention, link or break mrkdwn entities. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text in mrkdwn: escaped, and formatting characters neutralised so *bold* shows as typed. */
export function literal(s: string): string {
  return escapeMrkdwn(s).replace(/([*_~`])/g, '$1\u200b');
}

/**
 * The one text-limit helper, for every text Slack limits. `max` is counted in UTF-16 units, so the
 * result fits whether Slack counts units or code points (a character outside the BMP is two units
 * and one code point). A cut never splits a surrogate pair, an escape entity (`&amp;`), or a Slack
 * token (`<@U…>`, `<!date^…|…>`, `<url|label>`); it backs off to before it and ends with `…`.
 * Escape first, then cut: pass text already escaped for mrkdwn.
 */
export function clip(s: string, max: number, o: { ellipsis?: boolean } = {}): string {
  if (s.length <= max) return s;
  const mark = o.ellipsis === false ? '' : '…';
  const budget = Math.max(0, max - mark.length);
  let end = 0;
  for (const ch of s) {
    if (end + ch.length > budget) break;
    end += ch.length;
  }
  let cut = s.slice(0, end);
  // Inside an entity or a token (opened, not closed): back off to before it.
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';') && /^&(?:amp|lt|gt);/.test(s.slice(amp)))
    cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open >= 0 && !cut.slice(open).includes('>')) cut = cut.slice(0, open);
  return `${cut}${mark}`;
}

export const mention = (userId: string): string =>
  /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : literal(userId);

/** A channel as mrkdwn shows it (its name, as a link): only where mrkdwn renders, never in plain_text. */
export const channelMention = (channelId: string): string =>
  /^[CG][A-Z0-9]+$/.test(channelId) ? `<#${channelId}>` : literal(channelId);

export function mentionTarget(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : mention(id);
}

/** A date every reader sees in their own time zone; the fallback (UTC) shows where tokens can't render. */
export function dateToken(t: Date): string {
  const unix = Math.floor(t.getTime() / 1000);
  const fallback = `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${unix}^{date_short_pretty} {time}|${fallback}>`;
}

/**
 * The day and the time of `t` as two tokens, for sentences that say "on <day> at <time>": the day
 * is always a date, never "today" or "tomorrow", which could not follow "on". The day's fallback
 * is the ISO date (a catalog reads the day of the month from it: "l’8", "l’11" in Italian).
 */
export function dayToken(t: Date): string {
  const unix = Math.floor(t.getTime() / 1000);
  return `<!date^${unix}^{date_short}|${t.toISOString().slice(0, 10)}>`;
}
export function timeToken(t: Date): string {
  const unix = Math.floor(t.getTime() / 1000);
  return `<!date^${unix}^{time}|${t.toISOString().slice(11, 16)} UTC>`;
}

export function span(minutes: number, cat: Catalog): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return cat.span.minutes(m);
  if (m < 48 * 60) return cat.span.hours(Math.floor(m / 60), m % 60);
  return cat.span.days(Math.floor(m / 1440), Math.floor((m % 1440) / 60));
}

export const plain = (text: string, max = 3000) => ({
  type: 'plain_text' as const,
  text: clip(text, max),
  emoji: true,
});
export const md = (text: string, max = 3000) => ({
  type: 'mrkdwn' as const,
  text: clip(text, max),
});
