/** What opens over the page: the confirm dialog of a button, an overflow menu. */
import { $, clear, h } from './dom.js';
import { plainOf, textObj } from './mrkdwn.js';
import { chrome } from './state.js';
import type { Confirm, Option } from './types.js';

/** A button's confirm object as a dialog; resolves true on its confirm button. */
export function confirmDialog(c: Confirm): Promise<boolean> {
  return new Promise((resolve) => {
    const ov = $('overlay');
    const done = (v: boolean) => {
      ov.hidden = true;
      clear(ov);
      document.removeEventListener('keydown', onKey);
      resolve(v);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') done(false);
    };
    document.addEventListener('keydown', onKey);
    clear(ov);
    const ok = h(
      'button',
      {
        type: 'button',
        class: `btn ${c.style === 'danger' ? 'danger solid' : 'primary'}`,
        'data-testid': 'confirm-ok',
        onclick: () => done(true),
      },
      plainOf(c.confirm) || 'Yes',
    );
    ov.append(
      h(
        'div',
        { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'confirm-dialog' },
        h('h2', null, plainOf(c.title) || 'Are you sure?'),
        h('p', null, textObj(c.text)),
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            {
              type: 'button',
              class: 'btn',
              'data-testid': 'confirm-deny',
              onclick: () => done(false),
            },
            plainOf(c.deny) || chrome('cancel'),
          ),
          ok,
        ),
      ),
    );
    ov.hidden = false;
    ok.focus();
  });
}

export function closeMenu(): void {
  const m = $('menu');
  m.hidden = true;
  clear(m);
}
/** An overflow menu under (or above) its button. */
export function openMenu(anchor: Element, options: Option[], pick: (o: Option) => void): void {
  const m = $('menu');
  clear(m);
  for (const o of options) {
    m.append(
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'menu-option',
          onclick: () => {
            closeMenu();
            pick(o);
          },
        },
        plainOf(o.text),
      ),
    );
  }
  const r = anchor.getBoundingClientRect();
  m.hidden = false;
  const left = Math.min(r.left, window.innerWidth - m.offsetWidth - 8);
  const top =
    r.bottom + 4 + m.offsetHeight > window.innerHeight ? r.top - m.offsetHeight - 4 : r.bottom + 4;
  m.style.left = `${Math.max(8, left)}px`;
  m.style.top = `${Math.max(8, top)}px`;
}

/** A click outside an open menu (and not on an overflow button) closes it. */
export function closeMenuOnClickOutside(): void {
  document.addEventListener('click', (e) => {
    const m = $('menu');
    const target = e.target;
    if (
      !m.hidden &&
      !(target instanceof Node && m.contains(target)) &&
      !(target instanceof Element && target.closest('.overflow-btn'))
    )
      closeMenu();
  });
}
