/** A conversation's messages: a channel, the DM with the app, a thread; under day separators. */
import { renderBlocks } from './blocks.js';
import { $, clear, h } from './dom.js';
import { mrkdwn } from './mrkdwn.js';
import {
  channelById,
  chrome,
  currentWs,
  dmOf,
  installedHere,
  nameOf,
  page,
  replyCount,
  S,
} from './state.js';
import { dayKey, fmt, relativeDay, timeOf, tsDate } from './time.js';
import type { Ephemeral, Message, SlackFile } from './types.js';

const COLORS = ['#2a80b9', '#e8912d', '#2bac76', '#9b59b6', '#d35400'];

/** A person's colour, the same on every reload. */
function color(id: string): string {
  let n = 0;
  for (let i = 0; i < id.length; i++) n = (n * 31 + id.charCodeAt(i)) >>> 0;
  return COLORS[n % COLORS.length] as string;
}
export function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((p) => p.charAt(0))
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

/** In the channel (not only in its thread). */
function isTop(m: Message): boolean {
  return !m.thread_ts || m.thread_ts === m.ts || !!m.reply_broadcast;
}
function byTs(a: { ts: string }, b: { ts: string }): number {
  return parseFloat(a.ts) - parseFloat(b.ts);
}
function avatarFor(id: string): HTMLDivElement {
  if (id === S.bot.id) return h('div', { class: 'avatar bot' }, 'A');
  const a = h('div', { class: 'avatar' }, initials(nameOf(id)));
  a.style.background = color(id);
  return a;
}

function messageEl(m: Message, inThread: boolean): HTMLDivElement {
  const bot = m.user === S.bot.id;
  const body = h(
    'div',
    { class: 'body' },
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'name' }, nameOf(m.user)),
      bot ? h('span', { class: 'badge' }, 'APP') : null,
      h(
        'span',
        { class: 'time', title: fmt(tsDate(m.ts), { dateStyle: 'full', timeStyle: 'short' }) },
        timeOf(tsDate(m.ts)),
      ),
      m.edited ? h('span', { class: 'edited' }, '(edited)') : null,
    ),
    m.blocks?.length
      ? renderBlocks(m.blocks, { msg: m })
      : h('div', { class: 'blocks' }, mrkdwn(m.text)),
    m.files?.length ? h('div', { class: 'files' }, m.files.map(fileEl)) : null,
  );
  if (!inThread && m.reply_count) {
    const latest = m.latest_reply;
    body.append(
      h(
        'div',
        { class: 'replies' },
        h(
          'button',
          {
            type: 'button',
            class: 'reply-link',
            'data-testid': 'reply-count',
            onclick: () => page.openThread(m.channel, m.ts),
          },
          replyCount(m.reply_count),
        ),
        latest
          ? h(
              'span',
              { class: 'muted' },
              `${chrome('lastReply')} ${relativeDay(tsDate(latest)) || fmt(tsDate(latest), { month: 'short', day: 'numeric' })} ${timeOf(tsDate(latest))}`,
            )
          : null,
      ),
    );
  }
  return h(
    'div',
    { class: 'msg', 'data-testid': 'message', 'data-ts': m.ts },
    avatarFor(m.user),
    body,
  );
}

function sizeOf(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(n < 10240 ? 1 : 0)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}
/** A shared file: its title, name and size, and a download served by the sandbox. */
function fileEl(f: SlackFile): HTMLDivElement {
  const href = `/files/${encodeURIComponent(f.id)}/${encodeURIComponent(f.name || 'file')}`;
  return h(
    'div',
    { class: 'file', 'data-testid': 'file', 'data-file-id': f.id },
    h(
      'div',
      { class: 'file-icon', 'aria-hidden': 'true' },
      String(f.filetype || 'file').slice(0, 4),
    ),
    h(
      'div',
      { class: 'file-text' },
      h('div', { class: 'file-title', 'data-testid': 'file-title' }, f.title || f.name),
      h(
        'div',
        { class: 'file-meta', 'data-testid': 'file-name' },
        `${f.name} \u00B7 ${f.pretty_type || ''} \u00B7 ${sizeOf(f.size || 0)}`,
      ),
    ),
    h(
      'a',
      { class: 'file-download', 'data-testid': 'file-download', href, download: f.name || 'file' },
      'Download',
    ),
  );
}

function ephemeralEl(e: Ephemeral): HTMLDivElement {
  const key = `${e.channel}:${e.ts}`;
  const body = h(
    'div',
    { class: 'body' },
    h(
      'div',
      { class: 'eph-note' },
      '\u{1F441}\uFE0F Only visible to you',
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            S.hidden[key] = true;
            page.render();
          },
        },
        'Dismiss',
      ),
    ),
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'name' }, e.local ? 'Slackbot' : S.bot.name),
      e.local ? null : h('span', { class: 'badge' }, 'APP'),
      h('span', { class: 'time' }, timeOf(tsDate(e.ts))),
    ),
    e.blocks?.length
      ? renderBlocks(e.blocks, e.id && !e.local ? { msg: null, eph: e } : { msg: null })
      : h('div', { class: 'blocks' }, mrkdwn(e.text)),
  );
  const av = e.local ? h('div', { class: 'avatar' }, 'S') : avatarFor(S.bot.id);
  if (e.local) av.style.background = '#4a8a8c';
  return h(
    'div',
    { class: 'msg ephemeral', 'data-testid': 'ephemeral', 'data-ts': e.ts },
    av,
    body,
  );
}
/** The current user's ephemerals in a conversation (or one of its threads), not dismissed. */
function myEphemerals(channel: string | null, threadTs: string | null): Ephemeral[] {
  return S.ephemerals
    .concat(S.local)
    .filter(
      (e) =>
        e.user === S.me &&
        e.channel === channel &&
        (e.thread_ts || null) === (threadTs || null) &&
        !S.hidden[`${e.channel}:${e.ts}`],
    );
}
function nearBottom(el: HTMLElement): boolean {
  return el.scrollHeight - el.scrollTop - el.clientHeight < 120;
}

interface Item {
  ts: string;
  el: () => HTMLElement;
}
/** A conversation's top-level messages and the current user's ephemerals in it, oldest first. */
function itemsIn(channel: string | null): Item[] {
  const items = S.messages
    .filter((m) => m.channel === channel && isTop(m))
    .map((m): Item => ({ ts: m.ts, el: () => messageEl(m, false) }))
    .concat(myEphemerals(channel, null).map((e) => ({ ts: e.ts, el: () => ephemeralEl(e) })));
  items.sort(byTs);
  return items;
}
/** An unread message in another channel marks that channel. */
export function markUnread(m: Message): void {
  if (m.channel !== S.channel && isTop(m)) S.unread[m.channel] = true;
}

export function renderChannel(forceBottom?: boolean): void {
  const list = $('messages');
  const ch = channelById(S.channel);
  const name = ch ? ch.name : '';
  $('channel-title').textContent = `# ${name}`;
  $<HTMLInputElement>('composer').placeholder =
    `Message #${name}   (try /incident Acme: late delivery)`;
  drawItems(list, itemsIn(S.channel), forceBottom, () => {
    if (!installedHere()) {
      return h(
        'div',
        { class: 'empty', 'data-testid': 'empty' },
        h('b', null, `This is the very beginning of #${name} in ${currentWs()?.team.name}.`),
        h('br'),
        'Amends is not installed in this workspace yet: ',
        h('a', { href: '/install', 'data-testid': 'add-to-slack-empty' }, 'Add to Slack'),
        ' walks you through the install. The cases of the other workspace will never show here.',
      );
    }
    return h(
      'div',
      { class: 'empty', 'data-testid': 'empty' },
      h('b', null, `This is the very beginning of #${name}.`),
      h('br'),
      'Open a recovery case: type ',
      h('code', null, '/incident Acme: late delivery'),
      ' below, or ',
      h('code', null, '/incident'),
      ' for the full form.',
    );
  });
}
/** The user's DM with the app (its Messages tab): what the bot wrote to them, buttons and all. */
export function renderDm(forceBottom?: boolean): void {
  const dm = dmOf(S.me);
  S.unread[dm] = false;
  drawItems($('dm-messages'), itemsIn(dm), forceBottom, () =>
    h(
      'div',
      { class: 'empty', 'data-testid': 'empty' },
      h('b', null, 'This is your direct message with Amends.'),
      h('br'),
      'Amends writes to you here when it needs you: when a channel with your case in it is shared with the client, for one.',
    ),
  );
}
/** Messages under day separators, kept scrolled to the bottom if they were (or asked to). */
function drawItems(
  list: HTMLElement,
  items: Item[],
  forceBottom: boolean | undefined,
  empty: () => HTMLElement,
): void {
  const stick = forceBottom || nearBottom(list);
  const keep = list.scrollTop;
  clear(list);
  if (!items.length) list.append(empty());
  let lastDay: string | null = null;
  for (const it of items) {
    const d = tsDate(it.ts);
    const key = dayKey(d);
    if (key !== lastDay) {
      lastDay = key;
      const rel = relativeDay(d);
      list.append(
        h(
          'div',
          { class: 'day' },
          h(
            'span',
            null,
            rel
              ? rel.charAt(0).toUpperCase() + rel.slice(1)
              : fmt(d, { weekday: 'long', month: 'long', day: 'numeric' }),
          ),
        ),
      );
    }
    list.append(it.el());
  }
  list.scrollTop = stick ? list.scrollHeight : keep;
}

/** The thread panel, beside the channel: the parent, its reply count, the replies. */
export function renderThread(): void {
  const panel = $('thread');
  const open = S.thread;
  const parent = open && S.messages.find((m) => m.channel === open.channel && m.ts === open.ts);
  if (!parent) {
    S.thread = null;
    panel.hidden = true;
    $('app').classList.remove('with-thread');
    return;
  }
  panel.hidden = false;
  $('app').classList.add('with-thread');
  const ch = channelById(parent.channel);
  $('thread-channel').textContent = `# ${ch ? ch.name : ''}`;
  const list = $('thread-messages');
  const stick = nearBottom(list);
  const keep = list.scrollTop;
  clear(list);
  list.append(messageEl(parent, true));
  const replies = S.messages
    .filter((m) => m.channel === parent.channel && m.thread_ts === parent.ts && m.ts !== parent.ts)
    .map((m): Item => ({ ts: m.ts, el: () => messageEl(m, true) }))
    .concat(
      myEphemerals(parent.channel, parent.ts).map((e) => ({ ts: e.ts, el: () => ephemeralEl(e) })),
    );
  replies.sort(byTs);
  const n = parent.reply_count || 0;
  list.append(h('div', { class: 'thread-sep' }, replyCount(n)));
  for (const r of replies) list.append(r.el());
  list.scrollTop = stick ? list.scrollHeight : keep;
}
