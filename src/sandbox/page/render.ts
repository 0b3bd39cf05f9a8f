/** Draws the whole page from the state: after an event, a click, a switch of user or workspace. */
import { $ } from './dom.js';
import { renderHome } from './home.js';
import { renderChannel, renderDm, renderThread } from './messages.js';
import { dmOf, S } from './state.js';
import { renderChannels, renderClock, renderShare, renderWorkspaces } from './workspaces.js';

/** `forceBottom` scrolls the conversation to its newest message. */
export function render(forceBottom?: boolean): void {
  renderWorkspaces();
  renderChannels();
  renderShare();
  renderClock();
  const messages = S.tab === 'messages';
  const unread = !!S.unread[dmOf(S.me)] && !(S.home && messages);
  $('app-home-link').classList.toggle('active', S.home);
  $('app-home-link').classList.toggle('unread', unread);
  $('home').hidden = !S.home;
  const channel = document.querySelector<HTMLElement>('main.channel');
  if (channel) channel.hidden = S.home;
  if (S.home) {
    $('thread').hidden = true;
    $('app').classList.remove('with-thread');
    for (const [id, on] of [
      ['home-tab', !messages],
      ['messages-tab', messages],
    ] as const) {
      $(id).classList.toggle('active', on);
      $(id).setAttribute('aria-selected', on ? 'true' : 'false');
    }
    $('messages-tab').classList.toggle('unread', unread);
    $('home-view').hidden = messages;
    $('dm-messages').hidden = !messages;
    if (messages) renderDm(forceBottom);
    else renderHome(false);
    return;
  }
  S.homeDrawn = null;
  renderChannel(forceBottom);
  renderThread();
}

let renderQueued = false;
/** Redraws once at the next frame, however many events asked for it. */
export function renderSoon(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

export function openThread(channel: string, ts: string): void {
  if (channel !== S.channel) S.channel = channel;
  S.home = false;
  S.thread = { channel, ts };
  render();
  const tl = $('thread-messages');
  tl.scrollTop = tl.scrollHeight;
}
