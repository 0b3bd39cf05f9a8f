/** Slack's mrkdwn and text objects as DOM nodes: mentions, links, dates, code, bold, emoji. */
import { h } from './dom.js';
import { EMOJI } from './emoji.js';
import { channelById, nameOf, page, S, userById } from './state.js';
import { ago, dayKey, fmt, relativeDay, timeOf } from './time.js';
import type { TextObject } from './types.js';

/** <!date^unix^format^link|fallback>, in the current user's zone and language. */
function dateToken(spec: string, fallback: string): Node {
  const parts = spec.split('^');
  const unix = Number(parts[1]);
  const format = parts[2];
  if (!Number.isFinite(unix) || !format) return document.createTextNode(fallback || spec);
  const date = new Date(unix * 1000);
  const longDate = fmt(date, { year: 'numeric', month: 'long', day: 'numeric' });
  const shortDate = fmt(date, { year: 'numeric', month: 'short', day: 'numeric' });
  const fullDate = fmt(date, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  const rel = relativeDay(date);
  const map: Record<string, string> = {
    date_num: dayKey(date),
    date: longDate,
    date_short: shortDate,
    date_long: fullDate,
    date_pretty: rel || longDate,
    date_short_pretty: rel || shortDate,
    date_long_pretty: rel || fullDate,
    time: timeOf(date),
    time_secs: fmt(date, { hour: 'numeric', minute: '2-digit', second: '2-digit' }),
    ago: ago(date),
  };
  const text = format.replace(/\{(\w+)\}/g, (m, k: string) =>
    Object.hasOwn(map, k) ? (map[k] as string) : m,
  );
  return h(
    'span',
    { class: 'date', title: fmt(date, { dateStyle: 'full', timeStyle: 'long' }) },
    text,
  );
}

export function decode(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
export function emojify(s: string): string {
  return s.replace(/:([a-z0-9_+-]+):/g, (m, k: string) =>
    Object.hasOwn(EMOJI, k) ? (EMOJI[k] as string) : m,
  );
}
function textNode(s: string): Text {
  return document.createTextNode(emojify(decode(s)));
}

/** What sits between < and >: a mention, a channel, a group, a date, a link. */
function special(inner: string): Node {
  const bar = inner.indexOf('|');
  const head = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? '' : inner.slice(bar + 1);
  if (head.charAt(0) === '@') {
    const id = head.slice(1);
    return h(
      'span',
      { class: `mention${id === S.me ? ' me' : ''}`, 'data-user': id },
      `@${userById(id) || id === S.bot.id ? nameOf(id) : decode(label) || id}`,
    );
  }
  if (head.charAt(0) === '#') {
    const ch = channelById(head.slice(1));
    return h('span', { class: 'mention' }, `#${ch ? ch.name : decode(label) || head.slice(1)}`);
  }
  if (head.indexOf('!subteam^') === 0)
    return h('span', { class: 'mention' }, label ? decode(label).replace(/^@?/, '@') : '@group');
  if (head.indexOf('!date^') === 0) return dateToken(head, decode(label));
  if (head === '!here' || head === '!channel' || head === '!everyone')
    return h('span', { class: 'mention me' }, `@${head.slice(1)}`);
  if (/^(https?:\/\/|mailto:)/i.test(head)) {
    const url = decode(head);
    const thread = /\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/.exec(url);
    if (thread) {
      const channel = thread[1] as string;
      const ts = `${thread[2]}.${thread[3]}`;
      return h(
        'a',
        {
          href: '#',
          onclick: (e) => {
            e.preventDefault();
            page.openThread(channel, ts);
          },
        },
        decode(label) || url,
      );
    }
    return h(
      'a',
      { href: url, target: '_blank', rel: 'noopener noreferrer' },
      decode(label) || url,
    );
  }
  return textNode(`<${inner}>`);
}

/** <special>, `code`, and *bold*, _italic_ and ~strike~ between word boundaries. */
const INLINE = new RegExp(
  [
    '<([^<>\\n]+)>',
    '`([^`\\n]+)`',
    '(^|[\\s(\\[{"\'\u2018\u201C])([*_~])(?![\\s\\u200b])([^\\n]*?[^\\s\\u200b])\\4(?=$|[\\s.,;:!?)\\]}"\'\u2019\u201D])',
  ].join('|'),
  'g',
);
function inline(text: string, parent: Element | DocumentFragment): void {
  const re = new RegExp(INLINE.source, 'g');
  let last = 0;
  let m: RegExpExecArray | null = re.exec(text);
  while (m) {
    if (m.index > last) parent.append(textNode(text.slice(last, m.index)));
    if (m[1] !== undefined) parent.append(special(m[1]));
    else if (m[2] !== undefined) parent.append(h('code', null, decode(m[2])));
    else {
      if (m[3]) parent.append(document.createTextNode(m[3]));
      const el = document.createElement(m[4] === '*' ? 'b' : m[4] === '_' ? 'i' : 's');
      inline(m[5] ?? '', el);
      parent.append(el);
    }
    last = re.lastIndex;
    m = re.exec(text);
  }
  if (last < text.length) parent.append(textNode(text.slice(last)));
}

export function mrkdwn(text: string | undefined): DocumentFragment {
  const frag = document.createDocumentFragment();
  const fence = '```';
  const chunks = String(text || '').split(fence);
  chunks.forEach((part, i) => {
    if (i % 2 === 1 && i < chunks.length - 1) {
      frag.append(h('pre', null, decode(part.replace(/^\n/, ''))));
      return;
    }
    // An unclosed fence stays as written.
    const chunk = i % 2 === 1 ? fence + part : part;
    let quote: HTMLQuoteElement | null = null;
    let first = true;
    for (const line of chunk.split('\n')) {
      const q = /^(&gt;|>)\s?/.exec(line);
      if (q) {
        if (!quote) {
          quote = h('blockquote');
          frag.append(quote);
        } else quote.append(h('br'));
        inline(line.slice(q[0].length), quote);
      } else {
        if (!first && !quote) frag.append(h('br'));
        quote = null;
        inline(line, frag);
      }
      first = false;
    }
  });
  return frag;
}

export function textObj(t: TextObject | undefined): Node {
  if (!t) return document.createTextNode('');
  if (t.type === 'mrkdwn') return mrkdwn(t.text);
  return document.createTextNode(
    t.emoji === false ? String(t.text) : emojify(String(t.text || '')),
  );
}
export function plainOf(t: TextObject | undefined): string {
  return t ? emojify(String(t.text || '')) : '';
}
