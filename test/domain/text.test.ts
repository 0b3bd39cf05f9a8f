import { describe, expect, it } from 'vitest';
import { wellFormed, wellFormedText } from '../../src/domain/text.js';

describe('wellFormed', () => {
  it.each([
    ['a high surrogate alone', 'a\ud800b', 'a\ufffdb'],
    ['a low surrogate alone', 'a\udfffb', 'a\ufffdb'],
    ['a pair the wrong way round', 'a\udc00\ud800b', 'a\ufffd\ufffdb'],
    ['one at the end', 'ab\ud83d', 'ab\ufffd'],
    ['a real pair (an emoji) is kept', 'a😀b', 'a😀b'],
  ])('%s', (_name, given, expected) => {
    expect(wellFormed(given)).toBe(expected);
    expect(wellFormedText(given)).toBe(expected);
  });

  it('repairs every string of a parsed payload in place, keys included, touching nothing else', () => {
    const when = new Date('2026-11-23T08:00:00Z');
    const body = JSON.parse(
      '{"view":{"state":{"values":{"b\\ud800":{"a":{"value":"x\\udfff"}}}},"blocks":[{"text":"\\udc00"},7,null,true]}}',
    ) as Record<string, unknown>;
    const holder = { body, when };
    expect(wellFormed(holder)).toBe(holder);
    expect(holder.when).toBe(when);
    expect(body).toEqual({
      view: {
        state: { values: { 'b\ufffd': { a: { value: 'x\ufffd' } } } },
        blocks: [{ text: '\ufffd' }, 7, null, true],
      },
    });
  });

  it('a form body without a prototype is repaired as plain data', () => {
    const form = Object.assign(Object.create(null) as Record<string, unknown>, { text: 'a\ud800' });
    expect(wellFormed(form).text).toBe('a\ufffd');
  });

  it('a key named __proto__ stays plain data', () => {
    const odd = JSON.parse('{"__proto__\\ud800":{"polluted":"yes\\ud800"}}') as object;
    wellFormed(odd);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.keys(odd)).toEqual(['__proto__\ufffd']);
    const proto = JSON.parse('{"__proto__":{"polluted":"yes\\ud800"}}') as Record<string, unknown>;
    wellFormed(proto);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a deeply nested payload does not overflow the stack', () => {
    const depth = 200_000;
    const deep = JSON.parse(`${'['.repeat(depth)}"\\ud800"${']'.repeat(depth)}`) as unknown;
    wellFormed(deep);
    let v: unknown = deep;
    for (let i = 0; i < depth; i++) v = (v as unknown[])[0];
    expect(v).toBe('\ufffd');
  });

  it('values other than text pass through (numbers, null, undefined)', () => {
    expect(wellFormed(3)).toBe(3);
    expect(wellFormed(null)).toBeNull();
    expect(wellFormedText(null)).toBeNull();
    expect(wellFormedText(undefined)).toBeUndefined();
  });
});
