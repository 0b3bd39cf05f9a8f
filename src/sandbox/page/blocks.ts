/** Block Kit blocks and their interactive elements, drawn for a message, App Home or a modal. */
import { type Attrs, h } from './dom.js';
import { plainOf, textObj } from './mrkdwn.js';
import { fail, post, toast } from './net.js';
import { confirmDialog, openMenu } from './overlays.js';
import { chrome, S } from './state.js';
import type { Block, BlockElement, Ephemeral, Form, Message, Option, View } from './types.js';

/** Where blocks are drawn, which a click names: a message, App Home's view, an ephemeral, a form. */
export interface BlockContext {
  msg: Message | null;
  home?: View;
  eph?: Ephemeral;
  form?: Form;
}

function sendAction(
  ctx: BlockContext,
  blockId: string | undefined,
  el: BlockElement,
  extra: Record<string, string>,
  button?: HTMLButtonElement,
): void {
  // From App Home the click names the view (Slack's container type 'view'), from an ephemeral
  // its id, else the message (in a channel or in the DM with the app).
  const where = ctx.home
    ? { viewId: ctx.home.id }
    : ctx.eph
      ? { ephemeral: ctx.eph.id }
      : ctx.msg
        ? { channel: ctx.msg.channel, messageTs: ctx.msg.ts }
        : null;
  if (!where) {
    toast('This message is only a preview; its buttons do nothing.');
    return;
  }
  const body = {
    user: S.me,
    ...where,
    action_id: el.action_id,
    block_id: blockId || 'b',
    ...extra,
  };
  if (button) button.disabled = true;
  post('/api/action', body)
    .catch(fail)
    .then(() => {
      if (button) button.disabled = false;
    });
}

function element(el: BlockElement, ctx: BlockContext, blockId: string | undefined): HTMLElement {
  const t = el.type;
  if (t === 'button') {
    const b = h(
      'button',
      {
        type: 'button',
        class: `btn${el.style ? ` ${el.style}` : ''}`,
        'data-action-id': el.action_id,
      },
      plainOf(el.text),
    );
    const url = el.url;
    if (url) b.addEventListener('click', () => window.open(url, '_blank', 'noopener'));
    b.addEventListener('click', () => {
      const go = () => sendAction(ctx, blockId, el, { type: 'button', value: el.value || '' }, b);
      if (el.confirm)
        confirmDialog(el.confirm).then((ok) => {
          if (ok) go();
        });
      else go();
    });
    return b;
  }
  if (t === 'overflow') {
    const o = h(
      'button',
      {
        type: 'button',
        class: 'overflow-btn',
        'data-action-id': el.action_id,
        'data-testid': 'overflow',
        'aria-label': 'More actions',
      },
      '\u22EE',
    );
    o.addEventListener('click', (e) => {
      e.stopPropagation();
      openMenu(o, el.options || [], (opt) =>
        sendAction(ctx, blockId, el, {
          type: 'overflow',
          selected_value: opt.value,
          selected_text: plainOf(opt.text),
        }),
      );
    });
    return o;
  }
  if (t === 'datepicker' || t === 'timepicker') {
    const d = h('input', {
      type: t === 'datepicker' ? 'date' : 'time',
      'data-action-id': el.action_id,
      value: el.initial_date || el.initial_time || '',
    });
    d.addEventListener('change', () =>
      sendAction(ctx, blockId, el, { type: t, selected_value: d.value }),
    );
    return d;
  }
  if (t === 'users_select' || t === 'static_select') {
    const s = selectFor(el);
    s.addEventListener('change', () => {
      const picked = s.selectedOptions[0];
      if (s.value)
        sendAction(ctx, blockId, el, {
          type: t,
          selected_value: s.value,
          selected_text: picked ? (picked.textContent ?? '') : s.value,
        });
    });
    return s;
  }
  return h('span', { class: 'b-unknown' }, `[${t}]`);
}

/** A select of the sandbox's people, its channels, or the element's options. */
export function selectFor(el: BlockElement): HTMLSelectElement {
  const s = h('select', { 'data-action-id': el.action_id });
  s.append(h('option', { value: '' }, plainOf(el.placeholder) || chrome('select')));
  if (el.type === 'users_select') {
    for (const u of S.users) s.append(h('option', { value: u.id }, u.name));
    if (el.initial_user) s.value = el.initial_user;
  } else if (el.type === 'conversations_select') {
    // The sandbox's channels; a filter leaving out channels shared with another company does so.
    const f = el.filter || {};
    for (const c of S.channels) {
      if (!(f.exclude_external_shared_channels && c.shared === 'ext'))
        s.append(h('option', { value: c.id }, `# ${c.name}`));
    }
    if (el.initial_conversation) s.value = el.initial_conversation;
  } else {
    let opts: Option[] = (el.options || []).slice();
    for (const g of el.option_groups || []) opts = opts.concat(g.options || []);
    for (const o of opts) s.append(h('option', { value: o.value }, plainOf(o.text)));
    if (el.initial_option) s.value = el.initial_option.value;
  }
  return s;
}

export function renderBlocks(blocks: Block[] | undefined, ctx: BlockContext): HTMLDivElement {
  const out = h('div', { class: 'blocks' });
  for (const b of blocks || []) {
    const id: Attrs = b.block_id ? { 'data-block-id': b.block_id } : {};
    if (b.type === 'header') out.append(h('div', { class: 'b-header', ...id }, plainOf(b.text)));
    else if (b.type === 'section') {
      const sec = h('div', { class: 'b-section', ...id });
      const txt = h('div', { class: 'txt' });
      if (b.text) txt.append(textObj(b.text));
      if (b.fields)
        txt.append(
          h(
            'div',
            { class: 'b-fields' },
            b.fields.map((f) => h('div', null, textObj(f))),
          ),
        );
      sec.append(txt);
      if (b.accessory) sec.append(element(b.accessory, ctx, b.block_id));
      out.append(sec);
    } else if (b.type === 'context') {
      out.append(
        h(
          'div',
          { class: 'b-context', ...id },
          (b.elements || []).map((e) =>
            e.type === 'image'
              ? h('span', null, `[${e.alt_text || 'image'}]`)
              : h('span', null, textObj(e)),
          ),
        ),
      );
    } else if (b.type === 'divider') out.append(h('hr', { class: 'b-divider' }));
    else if (b.type === 'actions') {
      out.append(
        h(
          'div',
          { class: 'b-actions', ...id },
          (b.elements || []).map((e) => element(e, ctx, b.block_id)),
        ),
      );
    } else if (b.type === 'input') {
      if (ctx.form) out.append(ctx.form.field(b));
      else out.append(h('div', { class: 'b-unknown' }, '[input block]'));
    } else if (b.type === 'image')
      out.append(h('div', { class: 'b-unknown' }, `[image: ${b.alt_text || ''}]`));
    else {
      const other: { type: string } = b;
      out.append(h('div', { class: 'b-unknown' }, `[${other.type} block]`));
    }
  }
  return out;
}
