import { describe, expect, it } from 'vitest';
import { ca } from '../../src/i18n/ca.js';
import { el } from '../../src/i18n/el.js';
import { en } from '../../src/i18n/en.js';
import type { Catalog } from '../../src/i18n/index.js';
import { it as itCatalog } from '../../src/i18n/it.js';
import { dateToken, dayToken, timeToken } from '../../src/slack/blocks/format.js';

/**
 * Pins the copy corrections from the native reading of the catalogs, so a later edit does not
 * quietly bring back the old wording in one corner of a catalog.
 */

const all: Record<string, Catalog> = { en, it: itCatalog, el, ca };

/** Every text a catalog can produce: strings as they are, functions called with sample arguments. */
function texts(node: unknown, path = ''): { path: string; text: string }[] {
  if (typeof node === 'string') return [{ path, text: node }];
  if (typeof node === 'function') {
    const args = Array.from({ length: node.length }, (_, i) => (i === 0 ? '<@U1>' : `ARG${i}`));
    // Number parameters (span.*, nudge.checkIn, nudge.keepTrying) read a string as NaN; still text.
    return [{ path, text: String((node as (...a: unknown[]) => unknown)(...args)) }];
  }
  if (Array.isArray(node)) return node.flatMap((v, i) => texts(v, `${path}[${i}]`));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => texts(v, path ? `${path}.${k}` : k));
  }
  return [];
}

const matching = (c: Catalog, re: RegExp) =>
  texts(c)
    .filter((x) => re.test(x.text))
    .map((x) => x.path);

/** The texts about the check-in step (personal check-ins once the client is won back). */
const checkInTexts = (c: Catalog) => [
  c.stepTitle.check_in,
  c.why.check_in,
  c.thread.accepted('<@U1>'),
  c.nudge.checkIn('<@U1>', 3),
  c.nudge.checkInEnd('<@U1>'),
];

describe('the research claim on apology with compensation', () => {
  it.each(Object.entries(all))('%s states it in full on the compensation form', (_lang, c) => {
    expect(c.modal.compensation.hint).toContain('37%');
    expect(c.modal.compensation.hint).toContain('74%');
  });

  it.each(Object.entries(all))('%s never gives a percentage without the other', (_lang, c) => {
    expect(matching(c, /37\s?%/)).toEqual(matching(c, /74\s?%/));
  });

  it.each(Object.entries(all))('%s no longer says "twice as many"', (_lang, c) => {
    expect(matching(c, /twice as many|il doppio|διπλάσι|el doble/i)).toEqual([]);
  });
});

describe('one term for check-ins', () => {
  const terms: [string, Catalog, RegExp][] = [
    ['it', itCatalog, /contatt[oi] periodic[oi]/i],
    ['el', el, /τακτική επικοινωνία/i],
    ['ca', ca, /contacte periòdic/i],
  ];

  it.each(terms)('%s uses its term in every check-in text', (_lang, c, term) => {
    for (const text of checkInTexts(c)) expect(text).toMatch(term);
  });

  it('the old terms are gone from every translation (Italian, Greek, Catalan)', () => {
    expect(matching(itCatalog, /check-in/i)).toEqual([]);
    expect(matching(el, /τακτικές επαφές|επαφή παρακολούθησης|προγραμματισμένη επαφή/)).toEqual([]);
    expect(matching(ca, /seguiment periòdic|seguiment personal|Fes seguiment/)).toEqual([]);
  });
});

describe('Italian', () => {
  it('opens the apology by acknowledging the harm', () => {
    expect(itCatalog.why.apologize).toMatch(/^Comincia scusandoti e riconoscendo il danno causato/);
    expect(matching(itCatalog, /apri con/i)).toEqual([]);
  });

  it('does not frame compensation as a trade', () => {
    expect(itCatalog.why.compensation).toMatch(/^Decidi come rimediare: un rimborso, un credito/);
    expect(matching(itCatalog, /in cambio/i)).toEqual([]);
  });

  it('addresses the owner as "ti", never "vi"', () => {
    expect(itCatalog.thread.refused('<@U1>')).toContain('Amends ti ricorderà');
    expect(itCatalog.confirmRefused.text).toContain('Amends ti ricorderà');
    expect(matching(itCatalog, /\bvi ricorderà/)).toEqual([]);
  });

  it('asks one person for help in the singular, several in the plural', () => {
    const one = itCatalog.nudge.escalation('<@U1>', 'Passo', 'oggi', '<@U2>');
    expect(one).toContain('<@U2>, puoi dare una mano');
    const two = itCatalog.nudge.escalation('<@U1>', 'Passo', 'oggi', '<@U2>, <@U3>');
    expect(two).toContain('<@U2>, <@U3>, potete dare una mano');
    const group = itCatalog.nudge.escalation('<@U1>', 'Passo', 'oggi', '<!subteam^S1>');
    expect(group).toContain('<!subteam^S1>, potete dare una mano');
  });
});

describe('Greek', () => {
  it('says excuses show the client they cannot trust you', () => {
    expect(el.why.own_up).toContain(
      'οι δικαιολογίες δείχνουν στον πελάτη ότι δεν μπορεί να σε εμπιστευτεί στα δύσκολα',
    );
  });

  it('labels a won-back case "Ο πελάτης επέστρεψε" wherever it names the outcome', () => {
    expect(el.outcome.won_back).toBe('Ο πελάτης επέστρεψε');
    expect(el.nudge.checkInEnd('<@U1>')).toContain('«Ο πελάτης επέστρεψε»');
    expect(matching(el, /κερδήθηκε ξανά/i)).toEqual([]);
  });

  it('says the case is in the thread', () => {
    expect(el.help).toContain('Η υπόθεση βρίσκεται στο νήμα');
  });
});

describe('Catalan', () => {
  it('names the owner with "Se n’encarrega"', () => {
    expect(ca.case.owner('<@U1>')).toBe('Se n’encarrega <@U1>');
    expect(ca.nudge.escalation('<@U1>', 'Pas', 'avui', '<@U2>')).toContain('Se n’encarrega <@U1>');
  });

  it('says "fins a" before a date', () => {
    expect(ca.case.snoozedUntil('DEMÀ')).toBe('ajornat fins a DEMÀ');
    expect(ca.thread.snoozed('<@U1>', 'Pas', 'DEMÀ')).toContain('fins a DEMÀ');
  });

  it('calls a video call "videotrucada"', () => {
    expect(ca.modal.meeting.hint).toContain('videotrucada');
    expect(ca.why.meeting).toContain('videotrucada');
  });

  it('asks how you will compensate the client', () => {
    expect(ca.why.compensation).toContain('com compensareu el client');
    expect(matching(ca, /\ba canvi\b/i)).toEqual([]);
  });
});

describe('the outcomes report counts one in the singular', () => {
  it.each([
    [en, ['1 won back', 'skipped once', '1 of 1 ended case.']],
    [
      itCatalog,
      [
        '1 cliente recuperato',
        '1 perso',
        '1 chiuso in altro modo',
        'ancora aperto',
        'saltato 1 volta',
        '1 su 1 caso chiuso.',
      ],
    ],
    [
      el,
      [
        '1 πελάτης επέστρεψε',
        '1 χάθηκε',
        '1 έκλεισε',
        'ακόμη ανοιχτή',
        '1 φορά',
        '1 από 1 κλειστή υπόθεση.',
      ],
    ],
    [
      ca,
      [
        '1 client recuperat',
        '1 perdut',
        '1 tancat',
        'encara obert',
        'omès 1 vegada',
        '1 d’1 cas tancat.',
      ],
    ],
  ] as [Catalog, string[]][])('%#', (cat, expected) => {
    const said = [
      cat.report.counts(4, 1, 1, 1, 1, 0),
      cat.report.troubleLine('Step', 1, 1, 1),
      cat.report.changesNotDone(1, 1),
    ].join('\n');
    for (const e of expected) expect(said).toContain(e);
  });
});

describe('Catalan elides "de" before a number read with a vowel', () => {
  it('d’1, d’11, de 8', () => {
    expect(ca.report.apology('50%', 1, 1)).toContain('(1 d’1 cas)');
    expect(ca.report.apology('9%', 1, 11)).toContain('(1 d’11 casos)');
    expect(ca.report.apology('13%', 1, 8)).toContain('(1 de 8 casos)');
  });
});

/** Issue 23's native review: each line is the reviewed wording, in the catalog it belongs to. */
describe('the native review of issue 23', () => {
  const ts = (iso: string) => new Date(iso);

  it.each(Object.entries(all))('%s uses one apostrophe, the typographic one', (_lang, c) => {
    expect(matching(c, /\p{L}'/u)).toEqual([]);
  });

  it('Italian', () => {
    const c = itCatalog;
    expect(`${c.stepState.pending} · ${c.case.withMeeting}`).toBe('Da fare · durante l’incontro');
    expect(c.stepTitle.corrective_changes).toBe('Apporta le modifiche e comunicale');
    expect(`${c.button.snooze}: ${c.snooze.tomorrow}`).toBe(
      'Rimanda: domani mattina (ora del responsabile)',
    );
    const nine = ts('2026-12-09T10:00:00Z');
    expect(c.thread.meeting('<@U1>', dayToken(nine), timeToken(nine))).toBe(
      ':calendar: <@U1> ha fissato l’incontro per il <!date^1796810400^{date_short}|2026-12-09> alle <!date^1796810400^{time}|10:00 UTC>.',
    );
    // Before "otto" and "undici" the article is elided.
    const eight = ts('2026-12-08T10:00:00Z');
    expect(c.thread.meeting('<@U1>', dayToken(eight), timeToken(eight))).toContain('per l’<!date^');
    expect(c.thread.meetingMoved('<@U1>', dayToken(eight), timeToken(eight))).toContain(
      'ha spostato l’incontro all’<!date^',
    );
    expect(c.draft.greeting('Ferramenta Conti')).toBe('Spett.le Ferramenta Conti,');
    expect(c.draft.inShort('vi abbiamo…')).toBe('In breve: vi abbiamo…');
    expect(`(${c.draft.by('15 dicembre 2026')})`).toBe('(entro il 15 dicembre 2026)');
    expect(c.draft.by('11 dicembre 2026')).toBe('entro l’11 dicembre 2026');
    expect(c.draft.warning).toContain('prima che ve ne accorgiate voi');
    expect(c.draft.mailto).toBe('Aprilo nel programma di posta');
    expect(c.thread.followUp('<@U1>', dateToken(ts('2026-12-23T09:00:00Z')))).toContain(
      'Prossimo ricontatto: il <!date^',
    );
    expect(c.language.set(c.langName)).toContain('in italiano');
    expect(c.shared.clientChannel('<#C1>')).toBe('Si parla con il cliente in <#C1>');
  });

  it('Greek', () => {
    expect(el.home.stalled).toBe(':pause_button: χωρίς κίνηση');
    expect(el.case.stalled('X')).toMatch(/^:pause_button: Χωρίς κίνηση:/);
    expect(matching(el, /σε αναμονή/i)).toEqual([]);
    expect(el.button.accepted).toBe('Ο πελάτης αποδέχτηκε');
    expect(`${el.stepState.pending} · ${el.case.withMeeting}`).toBe('Εκκρεμεί · στη συνάντηση');
    expect(el.language.set(el.langName)).toContain('στα ελληνικά');
    expect(el.language.current(el.langName, 'X')).toContain('στα ελληνικά');
    // "ανάκτηση" reads as data recovery: a case is "υπόθεση αποκατάστασης" everywhere.
    expect(matching(el, /ανάκτησ/i)).toEqual([]);
    expect(el.help).toContain('υπόθεση αποκατάστασης');
    expect(el.changes.add).toBe('Πρόσθεσε αλλαγή');
    expect(el.button.skip).toBe('Παράλειψέ το');
    expect(el.button.close).toBe('Κλείσε την υπόθεση');
  });

  it('Catalan', () => {
    expect(ca.shared.clientChannel('<#C1>')).toBe('Es parla amb el client a <#C1>');
    expect(ca.shared.notPosted).toMatch(/^:lock: Aquest canal està compartit amb /);
    expect(matching(ca, /es comparteix/i)).toEqual([]);
    expect(ca.language.set(ca.langName)).toContain('en català');
    expect(ca.draft.by('1 de desembre del 2026')).toBe('fins a l’1 de desembre del 2026');
    expect(ca.draft.by('9 de desembre del 2026')).toBe('fins al 9 de desembre del 2026');
  });

  it('English', () => {
    // One spelling in the text people read (the step key `apologize` is not text).
    expect(matching(en, /apologiz/i)).toEqual([]);
    expect(en.stepTitle.apologize).toBe('Apologise and take responsibility');
    // Says where the client is talked to, not that they were "reached".
    expect(en.shared.clientChannel('<#C1>')).toBe('We talk with the client in <#C1>');
    expect(matching(en, /reached in/i)).toEqual([]);
  });

  it.each(Object.entries(all))(
    '%s: the close form’s error says what its hint says (a reason is required when lost)',
    (_lang, c) => {
      const hint = c.modal.close.reasonHint;
      const error = c.errors.field.lost_reason;
      // Both name the outcome as the form's option shows it, and ask the same thing.
      expect(hint).toContain(c.outcome.lost);
      expect(error).toContain(c.outcome.lost);
      expect(hint.split(': ').at(-1)).toBe(error.split(': ').at(-1));
      // The label leaves "when" to the hint (Slack itself marks the field optional).
      expect(c.modal.close.reason).not.toMatch(/[(:]/);
    },
  );
});
