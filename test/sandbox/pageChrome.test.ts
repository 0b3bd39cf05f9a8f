/**
 * The sandbox page's own chrome ("Select…", "(optional)", "1 reply", "Last reply", "Cancel") in the
 * viewer's language (issue #23 item 9), its emoji, and its script as the server sends it. The page
 * runs in a browser (test/e2e/sandbox.test.ts drives one when chromium is installed); here, its
 * tables, its sources (src/sandbox/page/) and the bundle esbuild makes of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EMOJI } from '../../src/sandbox/page/emoji.js';
import { PAGE_CHROME, PAGE_JS } from '../../src/sandbox/page.js';
import { type Bundle, buildBundle } from '../helpers/bundle.js';

const PAGE_DIR = 'src/sandbox/page';

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

  it('the script carries every word of the table', () => {
    for (const [lang, words] of Object.entries(PAGE_CHROME))
      for (const word of Object.values(words))
        expect(PAGE_JS, `${lang}: ${word}`).toContain(JSON.stringify(word));
  });

  it('the page’s sources draw no English chrome of their own', () => {
    const sources = readdirSync(PAGE_DIR)
      .filter((f) => f.endsWith('.ts') && f !== 'chrome.ts')
      .map((f) => readFileSync(join(PAGE_DIR, f), 'utf8'))
      .join('\n');
    for (const english of ["'Select…'", "' (optional)'", "' replies'", "'1 reply'", "'Last reply "])
      expect(sources, english).not.toContain(english);
    expect(sources).toContain("chrome('select')");
    expect(sources).toContain("chrome('optional')");
  });
});

describe('the sandbox page’s script', () => {
  let bundle: Bundle | undefined;
  afterAll(() => bundle?.remove());

  it('parses as the one script the page loads', () => {
    expect(() => new Function(PAGE_JS)).not.toThrow();
  });

  it('is set into the bundle npm start runs, which needs no esbuild to serve it', () => {
    bundle = buildBundle();
    const dir = bundle.dir;
    const files = [
      ...readdirSync(dir).map((f) => join(dir, f)),
      ...readdirSync(join(dir, 'chunks')).map((f) => join(dir, 'chunks', f)),
    ].filter((f) => f.endsWith('.js'));
    const code = files.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(code).not.toContain('__SANDBOX_PAGE_JS__');
    // The page's localStorage key, which only its script names.
    expect(code).toContain('amends-sandbox');
  });
});

describe('the sandbox page’s emoji', () => {
  it('draws every shortcode the bot writes', () => {
    const dirs = ['src/i18n', 'src/slack/blocks'];
    const used = new Set<string>();
    for (const d of dirs)
      for (const f of readdirSync(d).filter((x) => x.endsWith('.ts')))
        for (const m of readFileSync(`${d}/${f}`, 'utf8').matchAll(/:([a-z0-9_+]+):/g))
          used.add(m[1] as string);
    expect([...used].filter((k) => !Object.hasOwn(EMOJI, k))).toEqual([]);
  });
});
