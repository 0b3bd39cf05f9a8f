import { describe, expect, it } from 'vitest';
import { ca } from '../../src/i18n/ca.js';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import { type Catalog, isLang, LANGUAGES, langFromLocale, t } from '../../src/i18n/index.js';
import { it as itCatalog } from '../../src/i18n/it.js';

const others: Record<string, Catalog> = { it: itCatalog, el, ca };
const all: Record<string, Catalog> = { en, ...others };

type Leaf = { path: string; value: unknown };

function leaves(node: unknown, path = ''): Leaf[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [{ path, value: node }];
}

/** Describes the shape: key names, array lengths, leaf kinds and function arities. */
function shape(node: unknown): unknown {
  if (Array.isArray(node)) return { array: node.map(shape) };
  if (typeof node === 'function') return `function/${node.length}`;
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.keys(node)
        .sort()
        .map((k) => [k, shape((node as Record<string, unknown>)[k])]),
    );
  }
  return typeof node;
}

/** Positions of number parameters; every other parameter is a string. */
const numberParams: Record<string, number[]> = {
  'span.minutes': [0],
  'span.hours': [0, 1],
  'span.days': [0, 1],
  'nudge.keepTrying': [1],
  'nudge.checkIn': [1],
  'nudge.cadenceMissed': [0],
  'nudge.followUpTally': [0, 1],
  'nudge.checkInTally': [0, 1],
  'case.followUps': [0],
  'case.checkIns': [0],
  'report.followUps': [0, 1, 2],
  'report.counts': [0, 1, 2, 3, 4, 5],
};

function sampleArgs(path: string, arity: number): (string | number)[] {
  const nums = numberParams[path] ?? [];
  return Array.from({ length: arity }, (_, i) =>
    nums.includes(i) ? 2 + i * 3 : i === 0 ? '<@U1>' : `ARG${i}X`,
  );
}

const fnLeaves = (c: Catalog) =>
  leaves(c).filter(
    (l): l is { path: string; value: (...a: unknown[]) => string } => typeof l.value === 'function',
  );
const stringLeaves = (c: Catalog) =>
  leaves(c).filter((l): l is { path: string; value: string } => typeof l.value === 'string');

describe('catalogs', () => {
  it('number-parameter table only names functions that exist', () => {
    const fns = new Set(fnLeaves(en).map((l) => l.path));
    for (const p of Object.keys(numberParams)) expect(fns.has(p), p).toBe(true);
  });

  describe.each(Object.entries(others))('%s', (_lang, catalog) => {
    it('has exactly the key tree of en (arrays same length, functions same arity)', () => {
      expect(shape(catalog)).toEqual(shape(en));
    });

    it('keeps 5 keep-trying ideas', () => {
      expect(catalog.nudge.keepTryingIdeas).toHaveLength(5);
    });

    it('translates langName', () => {
      expect(catalog.langName).not.toBe(en.langName);
    });
  });

  describe.each(Object.entries(all))('%s', (_lang, catalog) => {
    it('has no empty or placeholder-leaking string', () => {
      for (const { path, value } of stringLeaves(catalog)) {
        expect(value.trim(), path).not.toBe('');
        expect(value, path).not.toContain('${');
      }
    });

    it('keeps a modal’s title, submit, cancel texts within 24 characters', () => {
      const limited = [['modal.cancel', catalog.modal.cancel]];
      for (const [name, m] of Object.entries(catalog.modal)) {
        if (typeof m !== 'object') continue;
        limited.push([`modal.${name}.title`, m.title], [`modal.${name}.submit`, m.submit]);
      }
      for (const [path, value] of limited) {
        expect([...(value ?? '')].length, `${path}: ${value}`).toBeLessThanOrEqual(24);
      }
    });

    it('keeps button, option texts within 75 characters', () => {
      const groups = {
        button: catalog.button,
        snooze: catalog.snooze,
        severity: catalog.severity,
        outcome: catalog.outcome,
      };
      for (const [group, texts] of Object.entries(groups)) {
        for (const [key, value] of Object.entries(texts)) {
          if (typeof value !== 'string') continue; // a template, used inside a message
          expect([...value].length, `${group}.${key}: ${value}`).toBeLessThanOrEqual(75);
        }
      }
    });

    it('keeps confirm dialogs within Slack limits', () => {
      for (const dialog of [catalog.confirmClose, catalog.confirmRefused]) {
        expect([...dialog.title].length, dialog.title).toBeLessThanOrEqual(100);
        expect([...dialog.text].length, dialog.text).toBeLessThanOrEqual(300);
        expect([...dialog.confirm].length, dialog.confirm).toBeLessThanOrEqual(30);
        expect([...dialog.deny].length, dialog.deny).toBeLessThanOrEqual(30);
      }
    });

    it('keeps input hints within Slack limits', () => {
      const hints = stringLeaves(catalog).filter(({ path }) => /^modal\.\w+\.\w*hint$/i.test(path));
      expect(hints.length).toBeGreaterThan(0);
      for (const { path, value } of hints) expect([...value].length, path).toBeLessThanOrEqual(150);
    });

    it('functions return non-empty strings that contain their arguments', () => {
      for (const { path, value: fn } of fnLeaves(catalog)) {
        const args = sampleArgs(path, fn.length);
        const out = fn(...args);
        expect(typeof out, path).toBe('string');
        expect(out.trim(), path).not.toBe('');
        expect(out, path).not.toContain('undefined');
        for (const a of args) expect(out, path).toContain(String(a));
      }
    });

    it('keeps the emoji codes of the English messages', () => {
      for (const { path, value: enFn } of fnLeaves(en)) {
        const args = sampleArgs(path, enFn.length);
        const emoji = enFn(...args).match(/:[a-z_]+:/g) ?? [];
        const fn = fnLeaves(catalog).find((l) => l.path === path)?.value;
        for (const e of emoji) expect(fn?.(...args), path).toContain(e);
      }
    });

    it('keeps the commands users type', () => {
      for (const cmd of ['`/incident`', '`/incident list`', '`/incident help`']) {
        expect(catalog.help).toContain(cmd);
      }
      expect(catalog.errors.notInChannel).toContain('`/invite @Amends`');
      expect(catalog.errors.field.client).toContain('`/incident Acme Corp:');
      expect(catalog.errors.field.summary).toContain('`/incident Acme Corp:');
      expect(catalog.home.intro).toContain('`/incident ');
    });

    it('tells a singular duration from a plural one', () => {
      const one = catalog.span.minutes(1);
      const many = catalog.span.minutes(5);
      expect(one).toContain('1');
      expect(many.replace('5', '1')).not.toBe(one);
      expect(catalog.span.hours(2, 0)).not.toContain('0');
      expect(catalog.span.days(3, 0)).not.toContain('0');
    });
  });

  it('the spelled-out plurals are right', () => {
    expect(itCatalog.span.minutes(1)).toBe('1 minuto');
    expect(itCatalog.span.minutes(2)).toBe('2 minuti');
    expect(itCatalog.span.hours(1, 1)).toBe('1 ora e 1 minuto');
    expect(itCatalog.span.days(2, 3)).toBe('2 giorni e 3 ore');
    expect(el.span.minutes(1)).toBe('1 λεπτό');
    expect(el.span.hours(2, 5)).toBe('2 ώρες και 5 λεπτά');
    expect(el.span.days(1, 1)).toBe('1 ημέρα και 1 ώρα');
    expect(ca.span.minutes(1)).toBe('1 minut');
    expect(ca.span.hours(1, 30)).toBe('1 hora i 30 minuts');
    expect(ca.span.days(4, 0)).toBe('4 dies');
  });
});

describe('language selection', () => {
  it('maps Slack locales to shipped languages', () => {
    expect(langFromLocale('it-IT')).toBe('it');
    expect(langFromLocale('el-GR')).toBe('el');
    expect(langFromLocale('ca-ES')).toBe('ca');
    expect(langFromLocale('en-US')).toBe('en');
    expect(langFromLocale('it')).toBe('it');
    expect(langFromLocale('IT_it')).toBe('it');
  });

  it('falls back for unknown or missing locales', () => {
    expect(langFromLocale('es-ES')).toBe('en');
    expect(langFromLocale('es-ES', 'ca')).toBe('ca');
    expect(langFromLocale(undefined)).toBe('en');
    expect(langFromLocale(undefined, 'it')).toBe('it');
    expect(langFromLocale(null, 'el')).toBe('el');
    expect(langFromLocale('')).toBe('en');
  });

  it('t returns the catalog, English for unknown codes', () => {
    expect(t('it')).toBe(itCatalog);
    expect(t('el')).toBe(el);
    expect(t('ca')).toBe(ca);
    expect(t('en')).toBe(en);
    expect(t('xx')).toBe(en);
    expect(LANGUAGES.every(isLang)).toBe(true);
    expect(isLang('es')).toBe(false);
  });
});
