/** The viewer's controls: the composer, the user switcher, Slack Connect, the clock, Reset, tabs. */
import { $ } from './dom.js';
import { closeModal } from './forms.js';
import { openApp, openHome, openMessages } from './home.js';
import { fail, post, toast } from './net.js';
import { closeMenu, closeMenuOnClickOutside, confirmDialog } from './overlays.js';
import { render } from './render.js';
import {
  channelById,
  currentWs,
  installedHere,
  isShared,
  nowMs,
  remember,
  S,
  setNow,
} from './state.js';
import { setShared } from './stream.js';
import type { Channel } from './types.js';
import { renderUsers } from './workspaces.js';

/** Slackbot's answer to what Amends does not handle, seen only by the viewer. */
function localNote(text: string): void {
  S.local.push({
    local: true,
    channel: S.channel,
    user: S.me,
    ts: (nowMs() / 1000).toFixed(6),
    text,
  });
  render(true);
}

function composer(): void {
  $('composer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $<HTMLInputElement>('composer');
    const text = input.value.trim();
    if (!text) return;
    const m = /^\/incident(?:\s+([\s\S]*))?$/.exec(text);
    if (m && !installedHere()) {
      input.value = '';
      localNote(
        `/incident is not a command here yet: Amends is not installed in ${currentWs()?.team.name}. Install it with Add to Slack, in the sidebar.`,
      );
    } else if (m) {
      input.value = '';
      post('/api/command', { user: S.me, channel: S.channel, text: (m[1] || '').trim() }).catch(
        (err) => {
          input.value = text;
          fail(err);
        },
      );
    } else if (text.charAt(0) === '/') {
      localNote(
        `${text.split(/\s/)[0]} is not a valid command in this sandbox. Only Amends' /incident is installed here.`,
      );
    } else {
      input.value = '';
      localNote(
        'Plain messages stay on your screen in the sandbox: Amends only listens to /incident and its buttons. Try /incident Acme: late delivery.',
      );
    }
  });
}

function userSwitcher(): void {
  $<HTMLSelectElement>('user-switcher').addEventListener('change', (e) => {
    S.me = (e.target as HTMLSelectElement).value;
    if (S.modal) closeModal();
    remember();
    renderUsers();
    if (S.home) openApp();
    else render();
  });
}

/** Slack Connect: shares the channel with the client's organisation, or stops. */
function shareToggle(): void {
  const b = $<HTMLButtonElement>('share-toggle');
  b.addEventListener('click', () => {
    const c = channelById(S.channel);
    if (!c) return;
    b.disabled = true;
    post<{ channel: string; shared: Channel['shared'] }>('/api/share', {
      channel: c.id,
      how: isShared(c) ? 'none' : 'ext',
    })
      .then((r) => {
        setShared({ id: r.channel, shared: r.shared });
        toast(
          isShared(channelById(r.channel))
            ? `#${c.name} is now shared with the client`
            : `#${c.name} is no longer shared with the client`,
        );
      })
      .catch(fail)
      .then(() => {
        b.disabled = false;
      });
  });
}

/** +1 hour, +1 day, +1 week: the server runs the reminders due on the way. */
function clockButtons(): void {
  const buttons = Array.from(document.querySelectorAll<HTMLButtonElement>('[data-advance]'));
  for (const b of buttons) {
    b.addEventListener('click', () => {
      for (const x of buttons) x.disabled = true;
      $('clock-busy').hidden = false;
      post<{ now: string; sent?: number }>('/api/clock', {
        advance: b.getAttribute('data-advance'),
      })
        .then((r) => {
          setNow(r.now);
          render();
          toast(
            r.sent
              ? `Clock moved on: ${r.sent}${r.sent === 1 ? ' reminder' : ' reminders'} posted`
              : 'Clock moved on: nothing was due',
          );
        })
        .catch(fail)
        .then(() => {
          for (const x of buttons) x.disabled = false;
          $('clock-busy').hidden = true;
        });
    });
  }
}

function resetButton(): void {
  $('reset').addEventListener('click', () => {
    confirmDialog({
      title: { text: 'Start over?' },
      text: {
        type: 'plain_text',
        text: 'Deletes every case, message and reminder in the sandbox and resets the clock. Your real Slack data is never touched.',
      },
      confirm: { text: 'Reset' },
      deny: { text: 'Cancel' },
      style: 'danger',
    }).then((ok) => {
      if (!ok) return;
      S.thread = null;
      post('/api/reset', {})
        .then(() => toast('The sandbox starts over'))
        .catch(fail);
    });
  });
}

/** The app in the sidebar and App Home's tabs, by click or by Enter and Space. */
function appTabs(): void {
  for (const [id, open] of [
    ['app-home-link', openApp],
    ['home-tab', openHome],
    ['messages-tab', openMessages],
  ] as const) {
    $(id).addEventListener('click', open);
    $(id).addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
  }
}

/** Escape closes a menu and a modal. */
function escapeKey(): void {
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      closeMenu();
      if (S.modal) closeModal();
    }
  });
}

export function wireControls(): void {
  closeMenuOnClickOutside();
  escapeKey();
  appTabs();
  composer();
  userSwitcher();
  $('thread-close').addEventListener('click', () => {
    S.thread = null;
    render();
  });
  shareToggle();
  clockButtons();
  resetButton();
}
