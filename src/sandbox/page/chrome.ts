/**
 * The page's own chrome (what Slack's client draws around the bot's messages), in the viewer's
 * language: the sandbox's users speak English, Italian, Greek and Catalan. `{n}` is a count.
 * Plain data, so the server side (page.ts) and the tests can import it too.
 */
export const PAGE_CHROME = {
  en: {
    select: 'Select…',
    optional: '(optional)',
    reply: '1 reply',
    replies: '{n} replies',
    lastReply: 'Last reply',
    cancel: 'Cancel',
  },
  it: {
    select: 'Seleziona…',
    optional: '(facoltativo)',
    reply: '1 risposta',
    replies: '{n} risposte',
    lastReply: 'Ultima risposta',
    cancel: 'Annulla',
  },
  el: {
    select: 'Επίλεξε…',
    optional: '(προαιρετικό)',
    reply: '1 απάντηση',
    replies: '{n} απαντήσεις',
    lastReply: 'Τελευταία απάντηση',
    cancel: 'Ακύρωση',
  },
  ca: {
    select: 'Selecciona…',
    optional: '(opcional)',
    reply: '1 resposta',
    replies: '{n} respostes',
    lastReply: 'Darrera resposta',
    cancel: 'Cancel·la',
  },
} as const;

export type ChromeWord = keyof (typeof PAGE_CHROME)['en'];
