/**
 * The sandbox page's own chrome ("Select…", "(optional)", "1 reply", "Last reply", "Cancel") in the
 * viewer's language (issue #23 item 9). The page runs in a browser (test/e2e/sandbox.test.ts drives
 * one when chromium is installed); here, its table and script as the server sends them.
 */
import { describe, expect, it } from 'vitest';
import { PAGE_CHROME, PAGE_JS } from '../../src/sandbox/page.js';

describe('the sandbox page’s chrome', () => {
  it('has every word in English, Italian, Greek and Catalan', () => {
    const keys = Object.keys(PAGE_CHROME.en).sort();
    for (const lang of ['it', 'el', 'ca'] as const) {
      expect(Object.keys(PAGE_CHROME[lang]).sort(), lang).toEqual(keys);
      for (const key of keys) {
        const word = PAGE_CHROME[lang][key as keyof (typeof PAGE_CHROME)['en']];
        expect(word.trim(), `${lang}.${key}`).not.toBe('');
        expect(word, `${lang}.${key}`).not.toBe(
          PAGE_CHROME.en[key as keyof (typeof PAGE_CHROME)['en']],
        );
      }
      expect(PAGE_CHROME[lang].replies).toContain('{n}');
    }
  });

  it('the script carries the table, parses, and draws no English chrome of its own', () => {
    const table = JSON.stringify(PAGE_CHROME);
    expect(PAGE_JS).toContain(`var CHROME = ${table};`);
    expect(() => new Function(PAGE_JS)).not.toThrow();
    const rest = PAGE_JS.replace(table, '');
    for (const english of ["'Select…'", "' (optional)'", "' replies'", "'1 reply'", "'Last reply "])
      expect(rest, english).not.toContain(english);
    expect(rest).toContain("chrome('select')");
    expect(rest).toContain("chrome('optional')");
  });
});

describe('the sandbox page’s emoji', () => {
  it('draws every shortcode the bot writes', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dirs = ['src/i18n', 'src/slack/blocks'];
    const used = new Set<string>();
    for (const d of dirs)
      for (const f of readdirSync(d).filter((x) => x.endsWith('.ts')))
        for (const m of readFileSync(`${d}/${f}`, 'utf8').matchAll(/:([a-z0-9_+]+):/g))
          used.add(m[1] as string);
    const table = PAGE_JS.slice(
      PAGE_JS.indexOf('var EMOJI = {'),
      PAGE_JS.indexOf('};', PAGE_JS.indexOf('var EMOJI = {')),
    );
    const drawn = new Set([...table.matchAll(/'?([a-z0-9_+]+)'?:\s*'/g)].map((m) => m[1]));
    expect([...used].filter((k) => !drawn.has(k))).toEqual([]);
  });
});
