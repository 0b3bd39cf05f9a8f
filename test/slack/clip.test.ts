import { describe, expect, it } from 'vitest';
import { clip, escapeMrkdwn } from '../../src/slack/blocks/format.js';

const units = (s: string) => s.length;
const codePoints = (s: string) => [...s].length;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('clip: the one text-limit helper', () => {
  it('leaves text within the limit as it is', () => {
    expect(clip('Acme', 4)).toBe('Acme');
  });

  it.each([
    ['emoji (two UTF-16 units each)', '😀'.repeat(100), 150],
    ['emoji at an odd cut', `a${'🍝'.repeat(100)}`, 150],
    ['flags and accents', 'Ελλάδα 🇬🇷 Català '.repeat(20), 150],
  ])('%s: fits the limit however counted, never a lone surrogate', (_n, text, max) => {
    const out = clip(text, max);
    expect(units(out)).toBeLessThanOrEqual(max);
    expect(codePoints(out)).toBeLessThanOrEqual(max);
    expect(out).not.toMatch(loneSurrogate);
    expect(out.endsWith('…')).toBe(true);
  });

  it('never cuts an escape entity: escape first, then cut', () => {
    const escaped = escapeMrkdwn(`${'x'.repeat(8)}>>>>`); // xxxxxxxx&gt;&gt;&gt;&gt;
    for (let max = 9; max < escaped.length; max++) {
      const out = clip(escaped, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/&/);
    }
  });

  it('never cuts a Slack token (mention, date)', () => {
    const text = `Owner: <@U0MARIA01> · due <!date^1795790000^{date_short_pretty}|2026-11-23 12:00 UTC>`;
    for (let max = 8; max < text.length; max++) {
      const out = clip(text, max);
      const opened = (out.match(/</g) ?? []).length;
      const closed = (out.match(/>/g) ?? []).length;
      expect(opened).toBe(closed);
    }
  });

  it('an input’s initial value is cut without an ellipsis', () => {
    expect(clip('abcdef', 3, { ellipsis: false })).toBe('abc');
  });
});
