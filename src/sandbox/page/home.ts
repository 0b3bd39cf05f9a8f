/** App Home: the Home tab (the bot's published view) and the Messages tab (the DM with the app). */
import { renderBlocks } from './blocks.js';
import { $, clear, h } from './dom.js';
import { fail, post } from './net.js';
import { page, remember, S } from './state.js';
import type { View } from './types.js';

/** The current user's published home view, drawn with the same blocks as messages; clicks name the view. */
export function renderHome(force: boolean): void {
  const view = S.homes[S.me ?? ''] || null;
  const drawn = S.homeDrawn;
  if (!force && drawn && drawn.view === view && drawn.user === S.me) return;
  S.homeDrawn = { view, user: S.me };
  const pane = $('home-view');
  const keep = drawn && drawn.user === S.me ? pane.scrollTop : 0;
  clear(pane);
  if (!view)
    pane.append(h('div', { class: 'empty', 'data-testid': 'home-loading' }, 'Opening App Home…'));
  else pane.append(renderBlocks(view.blocks, { msg: null, home: view }));
  pane.setAttribute('data-view-id', view ? view.id : '');
  pane.scrollTop = keep;
}
/** Opening the Home tab: Slack sends app_home_opened for this user, and the bot publishes. */
export function openHome(): void {
  S.home = true;
  S.tab = 'home';
  S.thread = null;
  remember();
  page.render();
  const user = S.me ?? '';
  post<{ view?: View }>('/api/home', { user: S.me })
    .then((r) => {
      if (r.view && !S.homes[user]) S.homes[user] = r.view;
      page.render();
    })
    .catch(fail);
}
/** The Messages tab: the user's DM with the app (Slack sends no event the bot listens to). */
export function openMessages(): void {
  S.home = true;
  S.tab = 'messages';
  S.thread = null;
  remember();
  page.render(true);
}
/** The app in the sidebar opens on the tab last seen, as Slack does. */
export function openApp(): void {
  if (S.tab === 'messages') openMessages();
  else openHome();
}
