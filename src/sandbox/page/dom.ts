/** Small DOM helpers. Text only, never innerHTML: whatever the bot or a user wrote stays text. */

/** An attribute's value; false, null and undefined leave it out, true sets it empty. */
export type AttrValue = string | number | boolean | null | undefined;
/** `class`, `text`, any attribute, and `on…` listeners. */
export type Attrs = Record<string, AttrValue | ((e: Event) => void)>;
export type Child = Node | string | null | undefined | false | readonly Child[];

/** An element with its attributes, listeners and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (typeof v === 'function') {
        if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      } else if (k === 'class') el.className = String(v);
      else if (k === 'text') el.textContent = String(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children) append(el, c);
  return el;
}

export function append(el: Element | DocumentFragment, c: Child): void {
  if (c === undefined || c === null || c === false) return;
  if (Array.isArray(c)) {
    for (const x of c as readonly Child[]) append(el, x);
    return;
  }
  el.append(typeof c === 'string' ? document.createTextNode(c) : (c as Node));
}

/** One of the page's fixed elements (PAGE_HTML has them all). */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}
