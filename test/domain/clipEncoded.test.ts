/**
 * The calendar link's fields are clipped before they are URL-encoded: a whole grapheme at a time,
 * so a clipped title never ends in half a flag or a letter without its accent.
 */
import { describe, expect, it } from 'vitest';
import { clipEncoded } from '../../src/domain/invite.js';

const ELLIPSIS = encodeURIComponent('…');
const decoded = (s: string) => decodeURIComponent(s);

describe('clipEncoded', () => {
  it('leaves what fits as it is', () => {
    expect(clipEncoded('Acme 🇮🇹', 100)).toBe(encodeURIComponent('Acme 🇮🇹'));
  });

  it('never keeps half a flag, at any length', () => {
    const title = 'Meeting 🇮🇹🇬🇷🇪🇸 with Acme';
    for (let max = ELLIPSIS.length; max < encodeURIComponent(title).length; max++) {
      const out = decoded(clipEncoded(title, max));
      const body = out.endsWith('…') ? out.slice(0, -1) : out;
      const regional = [...body].filter((ch) => /\p{Regional_Indicator}/u.test(ch)).length;
      expect(regional % 2, `max ${max}: ${out}`).toBe(0);
    }
  });

  it('never keeps a letter without its combining accent', () => {
    const title = 'Cafe\u0301 Cafe\u0301 Cafe\u0301';
    for (let max = ELLIPSIS.length; max < encodeURIComponent(title).length; max++) {
      const body = decoded(clipEncoded(title, max)).replace(/…$/, '');
      expect(body.endsWith('e'), `max ${max}: ${body}`).toBe(false);
    }
  });

  it('stays within the length it is given', () => {
    const title = '🇮🇹'.repeat(40);
    for (const max of [20, 33, 50, 101])
      expect(clipEncoded(title, max).length).toBeLessThanOrEqual(max);
  });
});
