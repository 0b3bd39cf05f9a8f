import type { Catalog } from '../../i18n/index.js';

/** Slack's three control characters; after this, user text can't mention, link or break mrkdwn entities. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text in mrkdwn: escaped, and formatting characters neutralised so *bold* shows as typed. */
export function literal(s: string): string {
  return escapeMrkdwn(s).replace(/([*_~`])/g, '$1\u200b');
}

export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

export const mention = (userId: string): string =>
  /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : literal(userId);

export function mentionTarget(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : mention(id);
}

/** A date every reader sees in their own time zone; the fallback (UTC) shows where tokens can't render. */
export function dateToken(t: Date): string {
  const unix = Math.floor(t.getTime() / 1000);
  const fallback = `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${unix}^{date_short_pretty} {time}|${fallback}>`;
}

export function span(minutes: number, cat: Catalog): string {
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return cat.span.minutes(m);
  if (m < 48 * 60) return cat.span.hours(Math.floor(m / 60), m % 60);
  return cat.span.days(Math.floor(m / 1440), Math.floor((m % 1440) / 60));
}

export const plain = (text: string, max = 3000) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: true,
});
export const md = (text: string, max = 3000) => ({
  type: 'mrkdwn' as const,
  text: truncate(text, max),
});
