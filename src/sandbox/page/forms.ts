/** Modals: a view's input blocks as a form, checked as Slack checks them, and submitted. */
import { renderBlocks, selectFor } from './blocks.js';
import { $, clear, h } from './dom.js';
import { plainOf } from './mrkdwn.js';
import { fail, post } from './net.js';
import { chrome, S } from './state.js';
import type {
  BlockElement,
  Field,
  Form,
  FormValues,
  InputBlock,
  InputValue,
  View,
} from './types.js';

/** The input of one element, filled with what it held before (`prev`) or its initial value. */
function inputFor(
  b: InputBlock,
  el: BlockElement,
  prev: InputValue | undefined,
): { input: HTMLElement; get: () => InputValue } {
  const t = el.type;
  if (
    t === 'plain_text_input' ||
    t === 'email_text_input' ||
    t === 'url_text_input' ||
    t === 'number_input'
  ) {
    const input = el.multiline ? h('textarea', { rows: 4 }) : h('input', { type: 'text' });
    if (el.max_length) input.maxLength = el.max_length;
    if (el.placeholder) input.placeholder = plainOf(el.placeholder);
    input.value = prev ? prev.value || '' : el.initial_value || '';
    return { input, get: () => ({ type: t, value: input.value === '' ? null : input.value }) };
  }
  if (t === 'static_select' || t === 'users_select' || t === 'conversations_select') {
    const input = selectFor(el);
    if (prev)
      input.value =
        t === 'users_select'
          ? prev.selected_user || ''
          : t === 'conversations_select'
            ? prev.selected_conversation || ''
            : prev.selected_option
              ? prev.selected_option.value
              : '';
    const get = (): InputValue => {
      if (t === 'users_select') return { type: t, selected_user: input.value || null };
      if (t === 'conversations_select')
        return { type: t, selected_conversation: input.value || null };
      const o = input.selectedOptions[0];
      return {
        type: t,
        selected_option: input.value
          ? {
              text: {
                type: 'plain_text',
                text: o ? (o.textContent ?? '') : input.value,
                emoji: true,
              },
              value: input.value,
            }
          : null,
      };
    };
    return { input, get };
  }
  if (t === 'radio_buttons') {
    S.seq += 1;
    const name = `r-${b.block_id}-${S.seq}`;
    const chosen = prev ? prev.selected_option?.value : el.initial_option?.value;
    const radios = (el.options || []).map((o) => {
      const r = h('input', { type: 'radio', name, value: o.value });
      r.checked = o.value === chosen;
      return { r, o, row: h('label', { class: 'radio' }, r, plainOf(o.text)) };
    });
    const input = h(
      'div',
      { role: 'radiogroup' },
      radios.map((x) => x.row),
    );
    const get = (): InputValue => {
      const c = radios.find((x) => x.r.checked);
      return { type: t, selected_option: c ? { text: c.o.text, value: c.o.value } : null };
    };
    return { input, get };
  }
  if (t === 'datepicker') {
    const input = h('input', { type: 'date' });
    input.value = prev ? prev.selected_date || '' : el.initial_date || '';
    return { input, get: () => ({ type: t, selected_date: input.value || null }) };
  }
  if (t === 'timepicker') {
    const input = h('input', { type: 'time' });
    input.value = prev ? prev.selected_time || '' : el.initial_time || '';
    return { input, get: () => ({ type: t, selected_time: input.value || null }) };
  }
  if (t === 'checkboxes') {
    const boxes = (el.options || []).map((o) => {
      const c = h('input', { type: 'checkbox', value: o.value });
      return { c, o, row: h('label', { class: 'radio' }, c, plainOf(o.text)) };
    });
    const input = h(
      'div',
      null,
      boxes.map((x) => x.row),
    );
    const get = (): InputValue => ({
      type: t,
      selected_options: boxes
        .filter((x) => x.c.checked)
        .map((x) => ({ text: x.o.text, value: x.o.value })),
    });
    return { input, get };
  }
  return { input: h('div', { class: 'b-unknown' }, `[${t}]`), get: () => ({ type: t }) };
}

function makeForm(errors: Record<string, string> | null, previous: FormValues | null): Form {
  const fields: Field[] = [];
  return {
    fields,
    field: (b) => {
      const el: BlockElement = b.element || { type: '' };
      const aid = el.action_id || 'input';
      const prev = previous?.[String(b.block_id)]?.[aid];
      const { input, get } = inputFor(b, el, prev);
      S.seq += 1;
      const id = `f-${b.block_id}-${S.seq}`;
      input.id = id;
      input.setAttribute('data-block-id', String(b.block_id));
      input.setAttribute('data-action-id', aid);
      const err = errors?.[String(b.block_id)];
      const wrap = h(
        'div',
        { class: `field${err ? ' has-err' : ''}`, 'data-testid': `field-${b.block_id}` },
        h(
          'label',
          { class: 'lbl', for: id },
          plainOf(b.label),
          b.optional ? h('span', { class: 'opt' }, ` ${chrome('optional')}`) : null,
        ),
        input,
        b.hint ? h('div', { class: 'hint' }, plainOf(b.hint)) : null,
        err ? h('div', { class: 'err', 'data-testid': 'field-error' }, err) : null,
      );
      fields.push({ block: b, action: aid, get, el });
      return wrap;
    },
  };
}

/** The form's values as Slack sends them, and the problems Slack's client would show first. */
function collect(form: Form): { values: FormValues; problems: Record<string, string> } {
  const values: FormValues = {};
  const problems: Record<string, string> = {};
  for (const f of form.fields) {
    const v = f.get();
    const blockId = String(f.block.block_id);
    values[blockId] = { ...values[blockId], [f.action]: v };
    const empty =
      v.value === null ||
      v.selected_option === null ||
      v.selected_user === null ||
      v.selected_conversation === null ||
      v.selected_date === null ||
      v.selected_time === null;
    if (!f.block.optional && empty) problems[blockId] = 'Please complete this required field.';
    else if (v.value && f.el.min_length && v.value.length < f.el.min_length)
      problems[blockId] = `Please enter at least ${f.el.min_length} characters.`;
  }
  return { values, problems };
}

export function closeModal(): void {
  S.modal = null;
  const ov = $('overlay');
  ov.hidden = true;
  clear(ov);
}

/** Opens (or redraws) a modal; `keepValues` keeps what the viewer typed in the one open. */
export function showModal(
  view: View,
  errors: Record<string, string> | null,
  keepValues: boolean,
): void {
  const previous = keepValues && S.modal?.form ? collect(S.modal.form).values : null;
  const form = makeForm(errors, previous);
  S.modal = { view, form, user: S.me };
  const ov = $('overlay');
  clear(ov);
  const submit = view.submit
    ? h(
        'button',
        { type: 'submit', class: 'btn primary', 'data-testid': 'modal-submit' },
        plainOf(view.submit),
      )
    : null;
  const box = h(
    'form',
    {
      class: 'modal',
      role: 'dialog',
      'aria-modal': 'true',
      'data-testid': 'modal',
      'data-callback-id': view.callback_id,
      novalidate: true,
    },
    h(
      'div',
      { class: 'modal-head' },
      h('div', { class: 'modal-title', 'data-testid': 'modal-title' }, plainOf(view.title)),
      h(
        'button',
        { type: 'button', class: 'icon-btn', 'aria-label': 'Close', onclick: closeModal },
        '\u2715',
      ),
    ),
    h('div', { class: 'modal-body' }, renderBlocks(view.blocks, { msg: null, form })),
    h(
      'div',
      { class: 'modal-foot' },
      h(
        'button',
        { type: 'button', class: 'btn', 'data-testid': 'modal-close', onclick: closeModal },
        plainOf(view.close) || chrome('cancel'),
      ),
      submit,
    ),
  );
  box.addEventListener('submit', (e) => {
    e.preventDefault();
    const c = collect(form);
    if (Object.keys(c.problems).length) {
      showModal(view, c.problems, true);
      return;
    }
    if (submit) submit.disabled = true;
    post<{ errors?: Record<string, string>; view?: View }>('/api/submit', {
      user: S.me,
      viewId: view.id,
      values: c.values,
    })
      .then((r) => {
        if (!S.modal || S.modal.view.id !== view.id) return;
        if (r.errors) showModal(view, r.errors, true);
        else if (r.view) showModal(r.view, null, true);
        else closeModal();
      })
      .catch((err) => {
        if (submit) submit.disabled = false;
        fail(err);
      });
  });
  ov.append(box);
  ov.hidden = false;
  const first = box.querySelector<HTMLElement>(
    '.modal-body input, .modal-body textarea, .modal-body select',
  );
  if (first && !keepValues) first.focus();
}
