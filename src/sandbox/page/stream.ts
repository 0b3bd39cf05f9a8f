/** The server's event stream: the snapshot on (re)connect, then each message, view and tick. */
import { closeModal, showModal } from './forms.js';
import { openApp } from './home.js';
import { markUnread } from './messages.js';
import { toast } from './net.js';
import { render, renderSoon } from './render.js';
import { anyChannel, currentWs, installedHere, S, saved, setNow } from './state.js';
import type { Channel, Ephemeral, Message, Snapshot, View, Workspace } from './types.js';
import { renderClock, renderUsers, useWorkspace } from './workspaces.js';

/** Slack Connect changed for a channel (any workspace's). */
export function setShared(d: { id: string; shared: Channel['shared'] }): void {
  const c = anyChannel(d.id);
  if (c) {
    c.shared = d.shared;
    render();
  }
}

function upsert(m: Message | undefined | null): void {
  if (!m) return;
  const i = S.messages.findIndex((x) => x.channel === m.channel && x.ts === m.ts);
  if (i >= 0) S.messages[i] = m;
  else S.messages.push(m);
}

/** Everything, on the first connection and each reconnection (a Reset sends it too). */
function onSnapshot(d: Snapshot): void {
  S.bot = d.bot;
  S.team = d.team;
  S.workspaces = d.workspaces || [
    { team: d.team, installed: true, users: d.users, channels: d.channels },
  ];
  S.messages = d.messages;
  S.ephemerals = d.ephemerals;
  S.local = [];
  S.hidden = {};
  S.unread = {};
  S.homes = d.homes || {};
  S.homeDrawn = null;
  setNow(d.now);
  const kept = saved();
  if (!S.ws) {
    S.meOf = kept.meOf || {};
    S.channelOf = kept.channelOf || {};
    if (kept.ws) {
      const me = S.meOf[kept.ws] || kept.me;
      const channel = S.channelOf[kept.ws] || kept.channel;
      if (me) S.meOf[kept.ws] = me;
      if (channel) S.channelOf[kept.ws] = channel;
    }
  }
  // Back from Add to Slack: the workspace just installed (or the reason it was not).
  const params = new URLSearchParams(location.search);
  const back = params.get('workspace');
  const problem = params.get('install_error');
  if (back || problem) history.replaceState(null, '', '/');
  const wanted = back || S.ws || kept.ws || S.workspaces[0]?.team.id || '';
  if (wanted !== S.ws) {
    S.me = null;
    S.channel = null;
  }
  useWorkspace(wanted);
  if (back && installedHere())
    toast(
      `Amends is installed in ${currentWs()?.team.name}: try /incident here, then switch workspace`,
    );
  if (problem)
    toast(
      problem === 'slack_oauth_installer_authorization_error'
        ? 'The install was cancelled: nothing was installed'
        : `The install did not finish (${problem}): nothing was installed`,
    );
  if (S.modal) closeModal();
  renderUsers();
  // App Home stays open across a reload or a Reset: opening it again asks the (new) bot for it.
  const firstLoad = !document.body.hasAttribute('data-ready');
  if (firstLoad && kept.tab === 'messages') S.tab = 'messages';
  if (installedHere() && (S.home || (firstLoad && kept.home === true && !back))) openApp();
  else render(true);
  document.body.setAttribute('data-ready', 'true');
}

/** Listens to /events for as long as the page is open (EventSource reconnects by itself). */
export function connect(): void {
  const es = new EventSource('/events');
  const on = <T>(type: string, handle: (data: T) => void) =>
    es.addEventListener(type, (e) => handle(JSON.parse((e as MessageEvent<string>).data) as T));
  on<Snapshot>('snapshot', onSnapshot);
  on<{ user: string; view: View }>('home', (d) => {
    S.homes[d.user] = d.view;
    if (S.home && d.user === S.me) render();
  });
  on<{ message: Message; parent?: Message }>('message', (d) => {
    upsert(d.message);
    upsert(d.parent);
    markUnread(d.message);
    render();
  });
  on<{ message: Message }>('update', (d) => {
    upsert(d.message);
    render();
  });
  on<{ message: Message; parent?: Message }>('delete', (d) => {
    S.messages = S.messages.filter(
      (x) => !(x.channel === d.message.channel && x.ts === d.message.ts),
    );
    upsert(d.parent);
    render();
  });
  on<Ephemeral>('ephemeral', (d) => {
    S.ephemerals.push(d);
    if (d.user === S.me) render(d.channel === S.channel && !d.thread_ts);
  });
  on<{ user: string; view: View }>('view', (d) => {
    if (d.user !== S.me) return;
    showModal(d.view, null, !!(S.modal && S.modal.view.id === d.view.id));
  });
  // A walk through a week sends a clock event per hour: the clock shows each, the rest redraws once a frame.
  on<{ now: string }>('clock', (d) => {
    setNow(d.now);
    renderClock();
    renderSoon();
  });
  on<{ id: string; shared: Channel['shared'] }>('channel', setShared);
  // A workspace got Amends (an install finished, here or in another tab).
  on<{ workspaces: Workspace[] }>('workspaces', (d) => {
    for (const w of d.workspaces) {
      const mine = S.workspaces.find((x) => x.team.id === w.team.id);
      if (mine) mine.installed = w.installed;
    }
    render();
  });
}
