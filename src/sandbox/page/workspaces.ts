/** The rail of workspaces, the sidebar's channels, the user switcher, the share toggle, the clock. */
import { $, clear, h } from './dom.js';
import { closeModal } from './forms.js';
import { openApp } from './home.js';
import { initials } from './messages.js';
import {
  channelById,
  currentWs,
  installedHere,
  isShared,
  keepPlace,
  me,
  nowMs,
  page,
  remember,
  S,
  userById,
} from './state.js';
import { cityOfUser, fmt, offsetOf } from './time.js';
import type { Channel } from './types.js';

export function sharedLabel(c: Channel | undefined): string {
  return c?.shared === 'pending'
    ? 'Invitation to the client pending (Slack Connect)'
    : 'Shared with the client (Slack Connect)';
}

export function renderChannels(): void {
  const ul = $('channel-list');
  clear(ul);
  for (const c of S.channels) {
    ul.append(
      h(
        'li',
        {
          class:
            (c.id === S.channel && !S.home ? 'active' : '') + (S.unread[c.id] ? ' unread' : ''),
          'data-testid': `channel-${c.name}`,
          'data-channel': c.id,
          onclick: () => {
            S.home = false;
            S.channel = c.id;
            S.unread[c.id] = false;
            if (S.thread && S.thread.channel !== c.id) S.thread = null;
            remember();
            page.render(true);
          },
        },
        `# ${c.name}`,
        isShared(c)
          ? h(
              'span',
              {
                class: 'shared-mark',
                'data-testid': 'shared-mark',
                title: sharedLabel(c),
                'aria-label': sharedLabel(c),
              },
              '\u21C4',
            )
          : null,
      ),
    );
  }
}
export function renderShare(): void {
  const c = channelById(S.channel);
  const b = $('share-toggle');
  const on = isShared(c);
  b.setAttribute('aria-pressed', on ? 'true' : 'false');
  b.textContent = on ? sharedLabel(c) : 'Not shared with the client';
  $('channel-topic').textContent = on
    ? 'The client can read this channel'
    : 'Amends posts recovery cases here';
}
export function renderUsers(): void {
  const sel = $<HTMLSelectElement>('user-switcher');
  clear(sel);
  for (const u of S.users) {
    sel.append(
      h(
        'option',
        { value: u.id },
        `${u.name} \u2014 ${cityOfUser(u)} (${offsetOf(u.tz)}, ${u.locale})`,
      ),
    );
  }
  sel.value = S.me ?? '';
}
export function renderClock(): void {
  const u = me();
  $('clock-now').textContent =
    `${fmt(new Date(nowMs()), { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })} \u00B7 ${cityOfUser(u)}`;
}
export function renderWorkspaces(): void {
  const rail = $('workspace-rail');
  clear(rail);
  for (const w of S.workspaces) {
    const unread = w.channels.some((c) => S.unread[c.id]);
    const label = w.team.name + (w.installed ? '' : ' (Amends not installed yet)');
    rail.append(
      h(
        'button',
        {
          type: 'button',
          class:
            'ws-btn' +
            (w.team.id === S.ws ? ' active' : '') +
            (unread && w.team.id !== S.ws ? ' unread' : ''),
          'data-testid': `workspace-${w.team.id}`,
          'data-team': w.team.id,
          title: label,
          'aria-label': label,
          'aria-pressed': w.team.id === S.ws ? 'true' : 'false',
          onclick: () => switchWorkspace(w.team.id),
        },
        initials(w.team.name),
        w.installed ? null : h('span', { class: 'ws-plus', 'aria-hidden': 'true' }, '+'),
      ),
    );
  }
  const cur = currentWs();
  if (!cur) return;
  $('ws-name').textContent = cur.team.name;
  $('team-name').textContent = cur.team.name;
  $('ws-sub').textContent = cur.installed
    ? 'Everything stays on this machine'
    : 'Amends is not installed here yet';
  $('add-app').hidden = !!cur.installed;
  $('app-home-link').hidden = !cur.installed;
}

/** Shows another workspace, as a person of it (the one last chosen there, or its first). */
export function useWorkspace(id: string): void {
  const w = S.workspaces.find((x) => x.team.id === id) ?? S.workspaces[0];
  if (!w) return;
  S.ws = w.team.id;
  S.users = w.users;
  S.channels = w.channels;
  if (!userById(S.me)) {
    const last = S.meOf[S.ws];
    S.me = userById(last) ? (last as string) : (S.users[0]?.id ?? null);
  }
  if (!channelById(S.channel)) {
    const last = S.channelOf[S.ws];
    S.channel = channelById(last) ? (last as string) : (S.channels[0]?.id ?? null);
  }
}
function switchWorkspace(id: string): void {
  if (id === S.ws) return;
  keepPlace();
  S.thread = null;
  if (S.modal) closeModal();
  useWorkspace(id);
  remember();
  renderUsers();
  if (S.home && installedHere()) openApp();
  else {
    S.home = false;
    page.render(true);
  }
}
