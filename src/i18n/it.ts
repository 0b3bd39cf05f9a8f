import { dayOfMonth } from './dates.js';
import type { Catalog } from './en.js';

/**
 * Italian copy, informal "tu" as Slack teams use it. Written from shared/recovery-method.md,
 * not translated line by line from the English catalog.
 */

const minuti = (n: number) => (n === 1 ? '1 minuto' : `${n} minuti`);
const ore = (n: number) => (n === 1 ? '1 ora' : `${n} ore`);
const giorni = (n: number) => (n === 1 ? '1 giorno' : `${n} giorni`);
/** `others` in an escalation: mentions joined by ", "; a user group (`<!subteam^…>`) is several people. */
const severalPeople = (others: string) => others.includes(',') || others.includes('<!subteam^');

const cases = (n: number): string => (n === 1 ? '1 caso' : `${n} casi`);
/** The article before a date: "il 9 dicembre", but "l’1", "l’8", "l’11" (and "al"/"all’" likewise). */
const elided = (day: string) => [1, 8, 11].includes(dayOfMonth(day) ?? 0);
const il = (day: string) => (elided(day) ? `l’${day}` : `il ${day}`);
const al = (day: string) => (elided(day) ? `all’${day}` : `al ${day}`);
/** A language's name inside a sentence: "in italiano", not "in Italiano". */
const inSentence = (name: string) => name.charAt(0).toLocaleLowerCase('it') + name.slice(1);
/** "a" before a name, "ad" before one starting with a (ad Acme, a Beta). */
const toClient = (name: string) => (/^\s*[aàAÀ]/.test(name) ? `ad ${name}` : `a ${name}`);

export const it: Catalog = {
  langName: 'Italiano',
  severity: { minor: 'Lieve', major: 'Grave', critical: 'Critico' },
  stepTitle: {
    own_up: 'Ammetti l’errore con il cliente',
    outline: 'Scrivi la scaletta',
    apologize: 'Scusati e assumiti la responsabilità',
    meeting: 'Fissa un incontro di persona',
    compensation: 'Decidi cosa offrire al cliente',
    corrective_changes: 'Apporta le modifiche e comunicale',
    fix_meeting: 'Fissa un secondo incontro per mostrare la soluzione',
    client_answer: 'Registra la risposta del cliente',
    keep_trying: 'Insisti, con garbo',
    check_in: 'Mantieni un contatto periodico con il cliente',
  },
  stepState: {
    waiting: 'Non iniziato',
    pending: 'Da fare',
    snoozed: 'Rimandato',
    done: 'Fatto',
    skipped: 'Saltato',
    overdue: 'In ritardo',
  },
  outcome: { open: 'Aperto', won_back: 'Recuperato', lost: 'Perso', closed: 'Chiuso' },
  case: {
    header: (client: string, severity: string) => `${client} · ${severity}`,
    whatHappened: 'Cosa è successo',
    owner: (who: string) => `Responsabile: ${who}`,
    openedBy: (who: string, when: string) => `Aperto da ${who}, ${when}`,
    due: (when: string) => `scadenza: ${when}`,
    doneBy: (who: string, when: string) => `da ${who}, ${when}`,
    snoozedUntil: (when: string) => `rimandato a ${when}`,
    withMeeting: 'durante l’incontro',
    startsAfter: 'inizia più avanti',
    meetingAt: (when: string) => `Incontro: ${when}`,
    fixMeetingAt: (when: string) => `Incontro per mostrare la soluzione: ${when}`,
    toldAfter: (span: string) => `Cliente informato dopo ${span}`,
    notToldYet: 'Cliente non ancora informato',
    answer: {
      accepted: 'Il cliente ha accettato le scuse',
      refused: 'Per ora il cliente ha rifiutato',
    },
    refusedEnded: 'Il cliente ha rifiutato',
    ended: (outcome: string, when: string) => `${outcome} ${when}`,
    reason: (reason: string) => `Motivo: ${reason}`,
    deliveryProblem:
      ':warning: Amends non è riuscito a pubblicare qui. Controlla che l’app sia stata aggiunta a questo canale e che il canale non sia archiviato.',
    deliveryRetrying:
      ':hourglass: Slack non ha accettato l’ultimo messaggio di Amends qui. Il caso è salvato; Amends riprova ogni minuto.',
    fallback: (client: string, severity: string) => `Caso di recupero per ${client} (${severity})`,
    skipReason: (reason: string) => `Saltato: ${reason}`,
    offered: (what: string) => `Offerta: ${what}`,
    stalled: (since: string) =>
      `:pause_button: Fermo: nessun passo avanti dal ${since}. Amends ti ricorderà il caso una volta a settimana finché qualcuno non agisce.`,
    notNeeded: 'Non serve più: il cliente ha accettato',
    heldAfterRefusal: 'aperto da prima della risposta del cliente: nessun promemoria',
    stalledRefused: (since: string) =>
      `:pause_button: Fermo: nessun passo avanti dal ${since}. Amends si attiene alle date dei ricontatti, niente di più.`,
    followUps: (n: number) => `ricontatti registrati: ${n}`,
    checkIns: (n: number) => `contatti periodici registrati: ${n}`,
    missed: (dates: string) => `Date passate senza nulla di registrato: ${dates}`,
    fromMessage: 'Dal messaggio originale',
  },
  span: {
    minutes: (n: number) => minuti(n),
    hours: (h: number, m: number) => (m ? `${ore(h)} e ${minuti(m)}` : ore(h)),
    days: (d: number, h: number) => (h ? `${giorni(d)} e ${ore(h)}` : giorni(d)),
  },
  button: {
    done: 'Fatto',
    snooze: 'Rimanda',
    skip: 'Salta',
    meeting: 'Fissa l’incontro',
    outline: 'Scrivi la scaletta',
    compensation: 'Registra l’offerta',
    accepted: 'Il cliente ha accettato',
    refused: 'Il cliente ha rifiutato',
    close: 'Chiudi il caso',
    moreFollowUps: 'Riprova tra 30 giorni',
    openThread: 'Apri il thread',
    moveMeeting: 'Sposta l’incontro',
    moveFixMeeting: 'Sposta l’incontro sulla soluzione',
    recordFollowUp: 'Registra un ricontatto',
  },
  snooze: {
    hour: '1 ora',
    tomorrow: 'domani mattina (ora del responsabile)',
    nextWeek: 'la settimana prossima (ora del responsabile)',
    whose: (owner: string) => ` (la mattina di ${owner})`,
  },
  confirmClose: {
    title: 'Chiudere questo caso?',
    text: 'I promemoria si fermano e la checklist resta com’è. Potrai indicare se il cliente è stato recuperato o perso.',
    confirm: 'Chiudi',
    deny: 'Lascialo aperto',
  },
  confirmRefused: {
    title: 'Il cliente ha rifiutato?',
    text: 'Nelle prossime settimane Amends ti ricorderà di rifarti vivo, con garbo. Non arrenderti: se smetti di provarci, il cliente non tornerà da solo.',
    confirm: 'Sì, registra',
    deny: 'Annulla',
  },
  /** Correzioni e passaggi di consegne: annulla, conferme, responsabile, gravità, scaletta, incontro. */
  corrections: {
    undo: 'Annulla',
    undone: (who: string, what: string) =>
      `:leftwards_arrow_with_hook: ${who} ha annullato ${what}. Il caso è tornato com’era prima.`,
    undoneMark: (who: string, when: string) =>
      `:leftwards_arrow_with_hook: Annullato da ${who}, ${when}.`,
    what: {
      step_done: (step: string) => `il passo *${step}* segnato come fatto`,
      step_snoozed: (step: string) => `il rinvio del passo *${step}*`,
      client_accepted: 'l’accettazione del cliente',
      client_refused: 'il rifiuto del cliente',
      client_message_sent: 'l’invio del messaggio al cliente',
      change_done: 'una modifica segnata come fatta',
      other: 'l’ultimo clic',
    },
    refused: {
      already: 'È già stato annullato; non è cambiato nulla.',
      expired:
        'Troppo tardi per annullare: un clic si può annullare entro 10 minuti. Non è cambiato nulla; il messaggio del caso mostra a che punto è.',
      moved_on:
        'Si può annullare solo l’ultimo clic su un caso, e dopo questo il caso è andato avanti. Non è cambiato nulla.',
      elsewhere:
        'Quel caso è in un altro canale, quindi non si può annullare da qui. Non è cambiato nulla.',
      not_yours:
        'Può annullarlo solo chi ha cliccato, oppure il responsabile del caso. Non è cambiato nulla.',
    },
    confirmAccepted: {
      title: 'Il cliente ha accettato?',
      text: 'I passi ancora aperti da prima della risposta si chiudono come non più necessari, e partono i contatti periodici con il cliente.',
      confirm: 'Sì, registralo',
      deny: 'Annulla',
    },
    confirmOwnUp: {
      title: 'Il cliente è stato avvisato?',
      text: 'Così registri quando il cliente l’ha saputo da te: il tempo di ammissione si ferma adesso.',
      confirm: 'Sì, lo sa',
      deny: 'Annulla',
    },
    sentUsed: (who: string, when: string) =>
      `:white_check_mark: Segnato come inviato da ${who}, ${when}.`,
    menu: {
      owner: 'Cambia responsabile',
      severity: 'Cambia gravità',
      outline: 'Modifica la scaletta',
      cancelMeeting: 'Annulla l’incontro',
      cancelFixMeeting: 'Annulla l’incontro sulla soluzione',
    },
    owner: {
      title: 'Cambia responsabile',
      label: 'Nuovo responsabile',
      hint: 'Il nuovo responsabile viene avvisato nel thread e le scadenze passano al suo orario di lavoro.',
      submit: 'Passa il caso',
      retimed: ':clock3: Le scadenze sono passate all’orario di lavoro del nuovo responsabile:',
      line: (who: string, from: string, to: string) =>
        `:busts_in_silhouette: ${who} ha passato il caso da ${from} a ${to}. ${to}, ora è tuo: le scadenze seguono il tuo orario di lavoro.`,
    },
    severity: {
      title: 'Cambia gravità',
      label: 'Gravità',
      hint: 'Le scadenze vengono ricalcolate per la nuova gravità, da quando è iniziato ogni passo.',
      submit: 'Salva',
      line: (who: string, from: string, to: string) =>
        `:triangular_flag_on_post: ${who} ha cambiato la gravità da ${from} a ${to}. Le scadenze sono state ricalcolate.`,
    },
    outlineEdited: (who: string) => `:memo: ${who} ha modificato la scaletta. Ora dice:`,
    cancel: {
      title: 'Annulla l’incontro',
      text: (when: string) =>
        `Annullare l’incontro del ${when}? Nel thread arriva un annullamento per il calendario da mandare al cliente, e il passo dell’incontro torna da fare.`,
      submit: 'Annulla l’incontro',
      close: 'Mantienilo',
      line: (who: string, when: string) =>
        `:x: ${who} ha annullato l’incontro del ${when}. Manda al cliente l’annullamento qui sotto e fissa un nuovo orario.`,
      fixLine: (who: string, when: string) =>
        `:x: ${who} ha annullato l’incontro per mostrare la soluzione del ${when}. Manda al cliente l’annullamento qui sotto e fissa un nuovo orario quando conviene.`,
      comment: 'Annullamento per il calendario del cliente.',
    },
    field: {
      owner_unchanged: 'Quella persona è già responsabile del caso; non è cambiato nulla.',
      severity_unchanged: 'Il caso ha già questa gravità; non è cambiato nulla.',
      outline_unchanged: 'La scaletta è uguale a prima; non è cambiato nulla.',
      no_meeting: 'Non c’è un incontro in programma da annullare; non è cambiato nulla.',
    },
  },
  modal: {
    cancel: 'Annulla',
    open: {
      title: 'Nuovo caso di recupero',
      submit: 'Apri il caso',
      client: 'Cliente',
      clientHint: 'Il cliente che abbiamo deluso, ad es. Acme Corp',
      summary: 'Cosa è successo',
      summaryHint: 'In parole semplici, come lo diresti al cliente',
      severity: 'Gravità',
      owner: 'Responsabile',
      due: 'Informa il cliente entro',
      dueHint: 'Sostituisce la scadenza predefinita per ammettere l’errore',
      dueTime: 'Ora',
      knownClient: 'Cliente già noto',
      knownClientHint:
        'Sceglilo per usare i dati già registrati, oppure scrivi qui sotto il nome di un nuovo cliente.',
      clientNewHint: 'Un nuovo cliente; lascia vuoto per usare quello scelto sopra.',
      clientDetails:
        '*I dati del cliente*, per il messaggio e l’invito. Se lasci vuoto un campo, resta quello registrato.',
      contact: 'Referente',
      email: 'Email del referente',
      clientTz: 'Fuso orario del cliente',
      clientTzHint:
        'Per es. America/New_York o Europe/Rome: gli orari scritti per il cliente lo usano.',
      clientLang: 'Lingua del cliente',
      clientLangHint: 'Il messaggio e l’invito sono scritti in questa lingua.',
      place: 'Luogo abituale degli incontri',
      placeHint:
        'Un indirizzo, una sala o un link di videochiamata; proposto quando si fissa un incontro.',
      language: 'Lingua del caso',
      languageHint: 'Amends la usa per tutto ciò che scrive nel thread del caso.',
    },
    outline: {
      title: 'Scaletta dell’incontro',
      submit: 'Salva la scaletta',
      happened: 'Cosa è successo',
      why: 'Perché è andata storta',
      prevention: 'Cosa eviterà che si ripeta',
      summary: 'In due frasi',
      summaryHint:
        'Quello che dirai per primo. Tieni pronti i dettagli, nel caso il cliente li chieda.',
    },
    meeting: {
      title: 'Fissa l’incontro',
      submit: 'Salva',
      moveTitle: 'Sposta l’incontro',
      moveSubmit: 'Sposta',
      place: 'Luogo',
      placeHint: 'Un indirizzo, una sala o un link di videochiamata: va nell’invito.',
      length: 'Durata',
      minutes: (n: number) => `${n} minuti`,
      clientTime: (zone: string) =>
        `L’invito e il messaggio lo riportano nel fuso del cliente: ${zone}.`,
      date: 'Data',
      time: 'Ora',
      hint: 'Di persona, o almeno in videochiamata. Orario nel tuo fuso.',
    },
    skip: { title: 'Salta un passaggio', submit: 'Salta', reason: 'Perché lo salti?' },
    compensation: {
      title: 'Offerta al cliente',
      submit: 'Salva',
      offer: 'Cosa hai offerto?',
      hint: 'Un rimborso, un credito, un extra. Secondo una ricerca, il solo risarcimento ha soddisfatto circa il 37% dei clienti; con le scuse, il 74%.',
    },
    followUp: {
      title: 'Ricontatto',
      submit: 'Salva',
      note: 'Cosa hai fatto o proposto?',
      hint: 'Una riga, ad es. proposto un piccolo ordine di prova',
    },
    close: {
      title: 'Chiudi il caso',
      submit: 'Chiudi il caso',
      outcome: 'Esito',
      reason: 'Motivo',
      reasonHint: 'Obbligatorio se l’esito è «Perso»: scrivi perché avete perso il cliente.',
    },
  },
  thread: {
    opened: (owner: string, step: string, why: string) =>
      `${owner}, questo caso è tuo. Per prima cosa: *${step}*. ${why}`,
    done: (who: string, step: string) => `:white_check_mark: ${who} ha completato *${step}*.`,
    skipped: (who: string, step: string) => `:fast_forward: ${who} ha saltato *${step}*.`,
    snoozed: (who: string, step: string, when: string) =>
      `:zzz: ${who} ha rimandato *${step}* a ${when}.`,
    meeting: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha fissato l’incontro per ${il(day)} alle ${time}.`,
    meetingMoved: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha spostato l’incontro ${al(day)} alle ${time}.`,
    fixMeeting: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha fissato per ${il(day)} alle ${time} l’incontro per mostrare la soluzione.`,
    fixMeetingMoved: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha spostato ${al(day)} alle ${time} l’incontro per mostrare la soluzione.`,
    outline: (who: string) => `:memo: ${who} ha scritto la scaletta per l’incontro:`,
    compensation: (who: string) => `:gift: ${who} ha registrato cosa è stato offerto al cliente:`,
    accepted: (who: string) =>
      `:tada: ${who} ha registrato che il cliente ha accettato. Da adesso partono i contatti periodici con il cliente.`,
    refused: (who: string) =>
      `:hourglass_flowing_sand: ${who} ha registrato che il cliente ha rifiutato. Amends ti ricorderà di riprovarci, con garbo.`,
    closed: (who: string, outcome: string) => `:lock: ${who} ha chiuso il caso: ${outcome}.`,
    moreFollowUps: (who: string, when: string) =>
      `:repeat: ${who} ha programmato un altro ricontatto per ${il(when)}.`,
    followUp: (who: string, when: string) =>
      `:speech_balloon: ${who} ha ricontattato il cliente. Prossimo ricontatto: ${il(when)}.`,
    checkedIn: (who: string, when: string) =>
      `:speech_balloon: ${who} ha sentito il cliente. Prossimo contatto periodico: ${il(when)}.`,
    followUpLast: (who: string, when: string) =>
      `:speech_balloon: ${who} ha ricontattato il cliente. Era l’ultimo ricontatto previsto: ${il(when)} Amends ti chiederà se chiudere il caso o riprovare.`,
    checkedInLast: (who: string, when: string) =>
      `:speech_balloon: ${who} ha sentito il cliente. Era l’ultimo contatto periodico previsto: ${il(when)} Amends ti chiederà se chiudere il caso come recuperato.`,
  },
  outline: {
    happened: 'Cosa è successo',
    why: 'Perché',
    prevention: 'Prevenzione',
    summary: 'In due frasi',
  },
  why: {
    own_up:
      'Di’ al cliente cosa è andato storto prima che lo scopra da solo. La rapidità conta più della forma: nascondere, negare o cercare scuse gli dice che non può fidarsi di te quando le cose si fanno difficili.',
    outline:
      'Prima di parlare, scrivi cosa è successo, perché e cosa eviterà che si ripeta, e fai in modo di saperlo dire in due frasi.',
    apologize:
      'Comincia scusandoti e riconoscendo il danno causato, poi assumiti la responsabilità: «abbiamo sbagliato, e la colpa è nostra». Se puoi, dillo a voce.',
    meeting:
      'Fissa un incontro di persona, o almeno una videochiamata. Metterci la faccia è quello che fanno i professionisti.',
    compensation:
      'Decidi come rimediare: un rimborso, un credito, un extra inaspettato. Insieme alle scuse, può trasformare un cliente deluso in un sostenitore.',
    corrective_changes:
      'Metti in pratica le modifiche (un controllo qualità, più scorte, un referente dedicato) e spiega al cliente cosa è cambiato e come verrà avvisato la prossima volta.',
    fix_meeting:
      'Se la soluzione richiede tempo, incontra di nuovo il cliente per mostrargliela in funzione. Facoltativo: fissalo quando è il momento.',
    client_answer:
      'Chiedi al cliente la sua risposta e registrala qui: ha accettato, oppure per ora ha rifiutato.',
    keep_trying:
      'Chiedi una piccola possibilità: un ordine più piccolo, un periodo di prova, il tuo controllo personale sul suo account.',
    check_in:
      'Mantieni di persona un contatto periodico con il cliente, finché non ti dice che non serve più.',
  },
  nudge: {
    alsoOpen: 'In attesa anche su questo caso:',
    stalled: (owner: string, since: string, others: string) =>
      `:pause_button: Su questo caso non si muove nulla dal ${since}. Se ne occupa ${owner}; ${others}, potete aiutare a rimetterlo in moto? D’ora in poi Amends lo ricorderà una volta a settimana.`,
    stalledAlone: (owner: string, since: string) =>
      `:pause_button: Su questo caso non si muove nulla dal ${since}. ${owner}, fai un passo oggi o chiedi aiuto a un collega. D’ora in poi Amends lo ricorderà una volta a settimana.`,
    due: (owner: string, step: string, why: string) => `${owner}, tocca a te: *${step}*. ${why}`,
    again: (owner: string, step: string, due: string) =>
      `${owner}, *${step}* è ancora da fare (scadenza: ${due}). Un aggiornamento breve adesso vale più di uno perfetto domani.`,
    meetingPrep: (owner: string, when: string) =>
      `${owner}, l’incontro è ${when}. Rileggi la scaletta, comincia con le scuse e ascolta senza metterti sulla difensiva.`,
    meetingPrepNoOutline: (owner: string, when: string) =>
      `${owner}, l’incontro è ${when} e non c’è ancora una scaletta. Scrivila adesso: cosa è successo, perché, cosa eviterà che si ripeta, in due frasi.`,
    escalation: (owner: string, step: string, due: string, others: string) =>
      `:rotating_light: *${step}* è in ritardo (scadenza: ${due}). Se ne occupa ${owner}; ${others}, ${severalPeople(others) ? 'potete' : 'puoi'} dare una mano a sbloccarlo oggi?`,
    escalationAlone: (owner: string, step: string, due: string) =>
      `:rotating_light: *${step}* è in ritardo (scadenza: ${due}). ${owner}, ora è la cosa più urgente di questo caso: fallo oggi, o chiedi aiuto a un collega.`,
    keepTrying: (owner: string, n: number, idea: string) =>
      `${owner}, ricontatto n. ${n}: fatti risentire dal cliente. ${idea} Ricordagli con garbo che tutti sbagliano: quello che conta è cosa è cambiato.`,
    keepTryingIdeas: [
      'Proponi un primo ordine più piccolo, così riprovare gli costa poco.',
      'Offri una prova gratuita del servizio che non ha funzionato.',
      'Offriti di controllare tu stesso ogni aspetto del suo account, finché non ti dice che non serve più.',
      'Raccontagli cosa avete cambiato da allora, con un esempio concreto.',
      'Chiedigli quindici minuti per capire cosa lo farebbe tornare.',
    ],
    keepTryingEnd: (owner: string) =>
      `${owner}, questo era l’ultimo ricontatto previsto. Se il cliente non è tornato, chiudi il caso come perso indicando il motivo, oppure programma un altro tentativo.`,
    checkIn: (owner: string, n: number) =>
      `${owner}, contatto periodico n. ${n}: chiedi al cliente come vanno le cose dopo le modifiche e se c’è ancora qualcosa che non lo convince.`,
    checkInEnd: (owner: string) =>
      `${owner}, questo era l’ultimo contatto periodico previsto. Se il cliente è soddisfatto, chiudi il caso come recuperato.`,
    lastFollowUp: 'Questo è l’ultimo ricontatto previsto.',
    lastCheckIn: 'Questo è l’ultimo contatto periodico previsto.',
    cadenceMissed: (n: number, dates: string) =>
      `Non è registrato nulla ${n === 1 ? 'per questa data' : `per queste ${n} date`}: ${dates}. Se hai sentito il cliente, registralo: così il caso mostra cosa è stato fatto.`,
    stillOpen: (steps: string) =>
      `Da prima della sua risposta resta da fare: ${steps}. Anche questo può entrare in questa piccola richiesta.`,
    followUpTally: (recorded: number, missed: number) =>
      `Ricontatti registrati: ${recorded}${missed ? `; date passate senza nulla di registrato: ${missed}` : ''}.`,
    checkInTally: (recorded: number, missed: number) =>
      `Contatti periodici registrati: ${recorded}${missed ? `; date passate senza nulla di registrato: ${missed}` : ''}.`,
    stalledRefused: (owner: string, since: string, others: string) =>
      `:pause_button: Su questo caso non si muove nulla dal ${since}, e una data di ricontatto è passata senza nulla di registrato. Se ne occupa ${owner}; ${others}, ${severalPeople(others) ? 'potete' : 'puoi'} aiutare a trovare una piccola occasione da chiedere al cliente? Amends si attiene alle date dei ricontatti, niente di più.`,
    stalledRefusedAlone: (owner: string, since: string) =>
      `:pause_button: Su questo caso non si muove nulla dal ${since}, e una data di ricontatto è passata senza nulla di registrato. ${owner}, fatti sentire oggi o chiedi aiuto a un collega. Amends si attiene alle date dei ricontatti, niente di più.`,
  },
  list: {
    title: 'Casi di recupero aperti',
    empty: 'Nessun caso aperto qui o affidato a te. Bene così.',
    line: (link: string, client: string, severity: string, owner: string, next: string) =>
      `• ${link} ${client} (${severity}), responsabile ${owner}: ${next}`,
    allDone: 'tutti i passaggi completati',
    noThread: '(non pubblicato)',
    link: 'caso',
  },
  changes: {
    title: 'Modifiche correttive',
    add: 'Aggiungi una modifica',
    done: 'Fatta',
    drop: 'Abbandona',
    what: 'Cosa cambia',
    whatHint:
      'Concreta e verificabile, ad es. un controllo qualità prima della spedizione, più scorte, un referente dedicato, un piano per avvisare presto il cliente.',
    who: 'Chi se ne occupa',
    by: 'Entro quando',
    dropTitle: 'Abbandona una modifica',
    dropReason: 'Perché viene abbandonata?',
    line: (what: string, who: string, by: string) =>
      `${what}${who ? ` · ${who}` : ''}${by ? ` · ${by}` : ''}`,
    dropped: (reason: string) => `abbandonata: ${reason}`,
    notDone: 'Non fatta',
    none: 'Nessuna modifica ancora: aggiungi ognuna di quelle che farai.',
    added: (who: string, what: string) =>
      `:hammer_and_wrench: ${who} ha promesso una modifica: ${what}`,
    doneLine: (who: string, what: string) =>
      `:white_check_mark: ${who} ha fatto la modifica: *${what}*`,
    droppedLine: (who: string, what: string) =>
      `:fast_forward: ${who} ha abbandonato una modifica: *${what}*`,
  },
  draft: {
    button: 'Bozza di messaggio al cliente',
    title: 'Messaggio al cliente',
    submit: 'Pubblica per revisione',
    subject: 'Oggetto',
    body: 'Messaggio',
    hint: 'Costruito dal caso. Modificalo liberamente: viene pubblicato nel thread perché i colleghi lo rivedano, con un link che lo apre nel tuo programma di posta.',
    subjectText: (client: string) => `Le nostre scuse ${toClient(client)}`,
    subjectChanged: (client: string) =>
      `Le nostre scuse ${toClient(client)} e cosa abbiamo cambiato`,
    prevention: (text: string) => `Cosa eviterà che si ripeta: ${text}`,
    greeting: (client: string) => `Spett.le ${client},`,
    apology: (happened: string) =>
      `Desidero scusarmi, personalmente e a nome di tutto il team. ${happened} L’errore è stato nostro e ce ne assumiamo tutta la responsabilità.`,
    followUp:
      'Vi scrivo per dare seguito alle nostre scuse e per dirvi cosa abbiamo fatto da allora.',
    followUpPending: 'Vi scrivo per dare seguito alle nostre scuse e per dirvi a che punto siamo.',
    inShort: (summary: string) => `In breve: ${summary}`,
    changed: 'Cosa abbiamo già cambiato:',
    willChange: 'Cosa cambieremo:',
    by: (when: string) => `entro ${il(when)}`,
    compensation: (offer: string) => `Per rimediare, vorremmo offrirvi: ${offer}.`,
    warning:
      'Se dovesse succedere di nuovo qualcosa di simile, lo saprete subito da noi, prima che ve ne accorgiate voi.',
    meet: 'Vorrei parlarne di persona. Avreste tempo per un breve incontro questa settimana?',
    meetAt: (when: string) => `Vorrei parlarne di persona, come previsto, ${il(when)}.`,
    greetingPerson: (name: string) => `Gentile ${name},`,
    subjectUpdate: (client: string) => `${client}: aggiornamento su quanto promesso`,
    afterAccepted:
      'Grazie per averci dato la possibilità di rimediare. Ecco a che punto siamo con quanto vi abbiamo promesso.',
    afterAcceptedPending:
      'Grazie per averci dato la possibilità di rimediare. Vi aggiorno su quanto vi abbiamo promesso.',
    talkAgain:
      'Se volete ripercorrere qualcosa insieme, sarò felice di sentirci o di incontrarci quando vi è più comodo.',
    signOff: (name: string) => `Cordiali saluti,\n${name}`,
    posted: (who: string) =>
      `:envelope: ${who} ha preparato un messaggio per il cliente. Rivedilo:`,
    mailto: 'Aprilo nel programma di posta',
    mailtoClipped: 'Aprilo nel programma di posta (abbreviato: copia il testo completo qui sopra)',
    sent: 'Segna come inviato',
    sentLine: (who: string) => `:outbox_tray: ${who} ha inviato il messaggio al cliente.`,
    markedOne: (step: string) => ` Segnato come fatto: ${step}.`,
    markedMany: (steps: string) => ` Segnati come fatti: ${steps}.`,
    and: 'e',
    noOutline: 'Scrivi prima lo schema: il messaggio si basa su quello.',
  },
  invite: {
    fixTitle: (client: string) => `Incontro con ${client} per mostrare la soluzione`,
    title: (client: string) => `Incontro con ${client}`,
    comment: (url: string) =>
      `:calendar: L’invito da inoltrare al cliente (aprilo per aggiungerlo a un calendario), oppure <${url}|aggiungilo a Google Calendar>. Se l’incontro si sposta, il nuovo invito sostituisce questo.`,
  },
  digest: {
    owner: 'Chi se ne occupa',
    intro: (n: number) =>
      `:sunrise: Buongiorno. Oggi ${n} casi di recupero hanno bisogno di te; qui sotto il passo più urgente di ciascuno. Stamattina i loro thread non ti menzioneranno.`,
  },
  shared: {
    withdrawn:
      ':lock: Questo caso di recupero non è più mostrato qui: il canale è condiviso con persone esterne all’azienda. Chi se ne occupa può spostarlo in un canale interno.',
    ownerNote: (channel: string, client: string) =>
      `:lock: ${channel} è condiviso con persone esterne alla tua azienda, quindi Amends ha smesso di scrivere lì il caso di recupero per ${client} e ne ha nascosto il messaggio. Spostalo in un canale interno:`,
    ownerWaiting: (channel: string, client: string) =>
      `:lock: ${channel} è condiviso con persone esterne alla tua azienda, quindi il caso di recupero per ${client} è salvato ma non pubblicato lì. Spostalo in un canale interno:`,
    /** The case waits: Slack could not say whether the channel is shared outside the company. */
    unknown:
      ':hourglass: Il caso è salvato, ma Amends non l’ha ancora pubblicato: Slack non ha confermato che questo canale sia interno, e un caso di recupero non va mai dove il cliente potrebbe leggerlo. Amends continua a controllare e lo pubblica appena Slack lo conferma.',
    notPosted:
      ':lock: Questo canale è condiviso con persone esterne alla tua azienda, quindi Amends non ha pubblicato qui il caso. È salvato: scegli un canale interno.',
    movedTo: (channel: string) =>
      `:lock: Questo canale è condiviso con persone esterne alla tua azienda, quindi Amends ha aperto il caso in ${channel} e ha annotato questo canale come quello in cui parli con il cliente.`,
    moveButton: 'Sposta il caso',
    moveTitle: 'Sposta il caso',
    moveSubmit: 'Sposta',
    moveChannel: 'Canale interno',
    moveHint: 'Solo canali non condivisi fuori dall’azienda. Prima invita Amends nel canale.',
    targetShared: 'Anche quel canale è condiviso fuori dall’azienda. Scegline uno interno.',
    clientChannel: (channel: string) => `Si parla con il cliente in ${channel}`,
  },
  report: {
    title: (scope: string) => `Risultati degli ultimi 90 giorni: ${scope}`,
    heading: 'Risultati degli ultimi 90 giorni',
    about: (scope: string) =>
      `Per ${scope}: i casi aperti in questi 90 giorni, quelli decisi in questo periodo (anche se aperti prima) e quelli aperti adesso.`,
    scopeChannel: (channel: string) => `i casi di ${channel}`,
    scopeAll: 'tutto il workspace',
    counts: (
      opened: number,
      won: number,
      lost: number,
      closed: number,
      open: number,
      refused: number,
    ) =>
      `*${opened}* ${opened === 1 ? 'nuovo caso' : 'nuovi casi'}. Decisi in questi 90 giorni: ${won} ${won === 1 ? 'cliente recuperato' : 'clienti recuperati'}, ${lost} ${lost === 1 ? 'perso' : 'persi'}, ${closed} ${closed === 1 ? 'chiuso' : 'chiusi'} in altro modo. ${open} ancora ${open === 1 ? 'aperto' : 'aperti'}${refused ? `, di cui ${refused} ${refused === 1 ? 'rifiutato' : 'rifiutati'} dal cliente (si continua a provare)` : ''}.`,
    lostTitle: 'Persi in questi 90 giorni',
    refusedTitle: 'Rifiutati dal cliente: si continua a provare',
    lostLine: (
      ref: string,
      client: string,
      owner: string,
      channel: string,
      when: string,
      reason: string,
    ) =>
      `• ${ref} *${client}*, se ne occupa ${owner}, ${channel} · perso: ${when}${reason ? ` · motivo: ${reason}` : ''}`,
    refusedLine: (ref: string, client: string, owner: string, channel: string, when: string) =>
      `• ${ref} *${client}*, se ne occupa ${owner}, ${channel} · rifiutato: ${when}`,
    ownUp: (median: string, p90: string, n: number) =>
      `Tempo per ammettere l’errore: mediana ${median}, 90° percentile ${p90} (su ${cases(n)}).`,
    meeting: (median: string, n: number) =>
      `Tempo fino all’incontro: mediana ${median} (su ${cases(n)}).`,
    ownUpNone: 'Tempo per ammettere l’errore: nessun caso ancora.',
    meetingNone: 'Tempo fino all’incontro: nessun incontro fissato ancora.',
    noData: 'ancora nessun dato',
    apology: (pct: string, hits: number, n: number) =>
      `Con scuse: ${pct} (${hits} su ${cases(n)}).`,
    compensation: (pct: string, hits: number, n: number) =>
      `Con un rimedio: ${pct} (${hits} su ${cases(n)}).`,
    winBackTitle: 'Clienti recuperati, tra i casi decisi:',
    both: 'scuse e rimedio',
    apologyOnly: 'solo scuse',
    compensationOnly: 'solo rimedio',
    neither: 'nessuno dei due',
    line: (label: string, pct: string, hits: number, n: number) =>
      `• ${label}: ${pct} (${hits} su ${n})`,
    research:
      'Per confronto: nella ricerca un rimedio da solo ha soddisfatto circa il 37% dei clienti; con le scuse, il 74%.',
    learningTitle: 'Cosa insegnano i casi passati (ultimi 365 giorni)',
    repeatClients: (list: string) => `Clienti con più di un caso: ${list}.`,
    noRepeat: 'Nessun cliente ha avuto più di un caso.',
    trouble: 'Passi più spesso in ritardo o saltati:',
    troubleLine: (step: string, overdue: number, n: number, skipped: number) =>
      `• ${step}: in ritardo in ${overdue} su ${cases(n)}, saltato ${skipped} ${skipped === 1 ? 'volta' : 'volte'}`,
    changesNotDone: (hits: number, n: number) =>
      `Modifiche promesse ma non fatte: ${hits} su ${n} ${n === 1 ? 'caso chiuso' : 'casi chiusi'}.`,
    followUps: (recorded: number, missed: number, n: number) =>
      `Ricontatti dopo la risposta: ${recorded} registrati, ${missed} saltati (date passate senza nulla di registrato), in ${cases(n)}.`,
    ownUpSpeed: 'Clienti recuperati, secondo quanto presto sono stati informati:',
    within24h: 'entro 24 h',
    later: 'più tardi',
    never: 'mai informati',
    empty:
      'Ancora nessun caso in questo periodo. Aprine uno con `/incident Cliente: cosa è successo`; i dati arrivano man mano che i casi si concludono.',
    exportAdminsOnly:
      'Solo gli amministratori del workspace possono esportare tutti i casi (include i casi dei canali privati). Chiedi a un amministratore, o usa `/incident report`.',
    exportReady:
      'L’esportazione dei casi di questo workspace: una riga per caso (cases) e tutti gli eventi di ogni caso (timeline), entrambi in CSV.',
    exportFailed:
      'Slack non ha accettato il file dell’esportazione, quindi non è stato inviato nulla. Non è cambiato niente: riprova tra un minuto.',
    exportAdminCheckFailed:
      'Amends non è riuscito a verificare con Slack se sei un amministratore del workspace, quindi non ha esportato nulla. Riprova tra un minuto.',
  },
  language: {
    set: (name: string) => `Fatto: d’ora in poi Amends ti scriverà in ${inSentence(name)}.`,
    current: (name: string, choices: string) =>
      `Amends ti scrive in ${inSentence(name)}. Per cambiare, scrivi \`/incident language\` seguito da uno di: ${choices}.`,
    unknown: (choices: string) =>
      `Amends non parla ancora questa lingua. Scegline una tra: ${choices}.`,
  },
  help: [
    '*Amends* accompagna il tuo team passo dopo passo per riconquistare un cliente dopo un errore.',
    '• `/incident Cliente: cosa è successo` apre qui un caso di recupero.',
    '• `/incident` apre un modulo con gravità, responsabile e scadenza.',
    '• `/incident list` mostra i casi aperti in questo canale e quelli affidati a te.',
    '• `/incident report` (o `report all`) mostra in privato come sono andati i casi.',
    '• `/incident export` invia agli amministratori del workspace un CSV di tutti i casi.',
    '• `/incident language it` imposta la lingua in cui Amends ti scrive (en, it, el, ca).',
    '• `/incident help` mostra questo messaggio.',
    'Il caso vive nel thread del suo messaggio: lì trovi i pulsanti per segnare i passaggi come fatti, rimandarli e registrare la risposta del cliente.',
  ].join('\n'),
  home: {
    title: 'Amends',
    intro:
      'Scrivi `/incident Cliente: cosa è successo` in un canale in cui c’è Amends per aprire un caso.',
    yourSteps: 'I tuoi passi aperti',
    noSteps:
      'Non c’è nulla che ti aspetti. Quando ti occupi di un caso, i suoi prossimi passi compaiono qui, dal più urgente, con i loro pulsanti.',
    teamCases: 'I casi aperti del team',
    firstCase:
      '*Nessun caso aperto.* Quando un errore danneggia un cliente, apri subito un caso: Amends pubblica nel canale una lista (ammetti l’errore, prepara lo schema, incontra il cliente, scusati, rimedia, comunica le modifiche) e accompagna con calma chi se ne occupa.',
    caseLine: (link: string, client: string, owner: string, next: string, age: string) =>
      `• ${link} *${client}*, se ne occupa ${owner}: ${next} · aperto da ${age}`,
    stalled: ':pause_button: fermo',
    refused: 'il cliente ha rifiutato: si continua a provare',
    more: (n: number) => `…e altri ${n}`,
    newCase: 'Nuovo caso',
    language: 'Lingua',
    channel: 'Canale',
    channelHint: 'Dove pubblicare il caso: un canale interno in cui c’è Amends.',
    empty: 'Non ti occupi di nessun caso aperto.',
  },

  errors: {
    cannot_undo: 'Non si può più annullare; non è cambiato nulla.',
    same_case:
      'Hai aperto un caso con queste stesse parole pochi minuti fa, quindi Amends non ne ha aperto un secondo. Per aprire un altro caso per questo cliente, descrivi l’accaduto in modo diverso.',
    changes_open:
      'Alcune modifiche sono ancora aperte: segna ciascuna come fatta, o abbandonala indicando il motivo.',
    case_not_found: 'Questo caso non esiste in questo spazio di lavoro.',
    step_not_found: 'Questo passaggio non fa parte del caso.',
    stale_action:
      'Non è cambiato nulla: il caso era già andato avanti da quando è comparso questo pulsante (succede anche cliccandolo una seconda volta). Il messaggio del caso mostra a che punto è.',
    already_done: 'Già fatto; non è cambiato nulla.',
    case_closed: 'Questo caso è chiuso; non è cambiato nulla.',
    not_optional: 'Questo passaggio fa parte del metodo e non si può saltare.',
    reason_required: 'Indica un motivo, per favore.',
    invalid_transition: 'Non è compatibile con lo stato attuale del caso; non è cambiato nulla.',
    invalid_input: 'Controlla quello che hai scritto.',
    duplicate_request: 'Già ricevuto; non è cambiato nulla.',
    unknown: (id: string) =>
      `Qualcosa è andato storto da parte nostra, quindi non è stato salvato; riprova. Se ci contatti, indica il codice ${id}.`,
    /** A saved case not in its channel yet (errors.ts notShown): what happened, what Amends does. */
    notShown: {
      busy: 'Slack è sovraccarico in questo momento, quindi il caso non è ancora nel canale. È salvato: Amends riprova ogni minuto e lo pubblica appena Slack lo consente.',
      silent:
        'Slack non ha risposto, quindi il caso non è ancora nel canale. È salvato: Amends riprova ogni minuto e lo pubblica appena Slack risponde.',
      later:
        'Il caso è salvato, ma non è ancora nel canale. Amends riprova ogni minuto e lo pubblica appena possibile.',
      storage:
        'Il caso è stato salvato, ma poi Amends non è riuscito a scrivere nel suo archivio, quindi la pubblicazione non è completa. Amends riprova ogni minuto e la completa da solo.',
      blocked:
        'Il caso è salvato, ma Slack non permette ad Amends di pubblicare in quel canale (forse è archiviato, o la pubblicazione lì è limitata). Quando Amends potrà di nuovo scriverci, scrivi `/incident list` nel canale per pubblicarlo.',
      access:
        'Il caso è salvato, ma Slack ha negato ad Amends l’accesso a questo workspace, quindi non è nel canale. Forse un amministratore deve reinstallare Amends; il caso verrà pubblicato appena l’accesso tornerà a funzionare.',
    },
    notInChannel:
      'Il caso è salvato, ma Amends non è ancora in questo canale. Scrivi `/invite @Amends`, poi `/incident list` per pubblicarlo qui.',
    /** A form that did not open (errors.ts formFailed): nothing changed. */
    form: {
      busy: 'Slack è sovraccarico in questo momento, quindi il modulo non si è aperto. Non è cambiato nulla; riprova tra un minuto.',
      silent:
        'Slack non ha risposto, quindi il modulo non si è aperto. Non è cambiato nulla; riprova.',
      failed:
        'Non è stato possibile aprire il modulo in questo momento. Non è cambiato nulla; riprova.',
    },
    notSaved:
      'Amends non è riuscito a salvarlo in questo momento (l’archivio non è disponibile), quindi non è cambiato nulla. Riprova tra poco.',
    busy: 'Amends è occupato in questo momento e non ha preso la richiesta; non è stato salvato nulla. Riprova tra un minuto.',
    field: {
      meeting_unchanged:
        'È l’orario già fissato: scegli un altro giorno o un’altra ora per spostare l’incontro.',
      owner: 'Scegli una persona a cui affidare il caso, non Amends.',
      due_time_without_date: 'Scegli un giorno per quell’ora, oppure cancella l’ora.',
      offer_empty: 'Scrivi cosa offrite al cliente (un rimborso, un credito, un extra).',
      note_empty: 'Scrivi cosa hai fatto: basta una riga.',
      draft_subject: 'Dai un oggetto al messaggio (al massimo 200 caratteri).',
      draft_body: 'Scrivi il messaggio (al massimo 3.000 caratteri).',
      change_what:
        'Scrivi cosa cambia, ad es. un secondo controllo qualità prima della spedizione.',
      change_too_long: 'Tieni la modifica breve (al massimo 300 caratteri).',
      change_by_past: 'La data deve essere nel futuro.',
      too_many_changes: 'Un caso contiene al massimo 10 modifiche.',
      change_not_found: 'Questa modifica non fa parte del caso.',
      channel: 'Scegli un canale interno per il caso.',
      channel_shared: 'Quel canale è condiviso fuori dall’azienda. Scegline uno interno.',
      client:
        'Indica il nome del cliente, ad es. `/incident Acme Corp: consegnati i bancali sbagliati`.',
      summary:
        'Scrivi cosa è successo dopo i due punti, ad es. `/incident Acme Corp: consegnati i bancali sbagliati`.',
      client_too_long: 'Il nome del cliente è troppo lungo (massimo 150 caratteri).',
      summary_too_long:
        'La descrizione di cosa è successo è troppo lunga (massimo 4.000 caratteri).',
      due_in_past: 'La scadenza deve essere nel futuro.',
      client_email: 'Questo indirizzo email non sembra corretto: scrivilo come nome@esempio.it.',
      client_tz:
        'Fuso orario sconosciuto: scrivilo come Regione/Città, per es. America/New_York o Europe/Rome.',
      client_lang: 'Scegli una delle lingue proposte.',
      client_contact_too_long: 'Il nome del referente è troppo lungo (al massimo 150 caratteri).',
      client_place_too_long: 'Il luogo è troppo lungo (al massimo 300 caratteri).',
      client_pick: 'Questo cliente non è più registrato: scrivi il nome.',
      meeting_place_too_long: 'Il luogo è troppo lungo (al massimo 300 caratteri).',
      meeting_length: 'Scegli quanto dura l’incontro.',
      meeting_in_past: 'L’incontro deve essere nel futuro.',
      meeting_date: 'Scegli data e ora dell’incontro.',
      reason_too_long: 'Il motivo è troppo lungo (massimo 2.000 caratteri).',
      lost_reason:
        'L’esito è «Perso», quindi serve un motivo: scrivi perché avete perso il cliente.',
      note_too_long: 'Il testo è troppo lungo (massimo 2.000 caratteri).',
      outline: 'Compila tutte le parti della scaletta.',
      outline_too_long: 'Accorcia questa parte della scaletta (al massimo 3.000 caratteri).',
      outline_summary_too_long: 'Qui bastano due frasi (al massimo 600 caratteri).',
      value:
        'Non riesco a leggere questo pulsante; non è cambiato nulla. Usa i pulsanti dell’ultimo messaggio del caso.',
    },
  },
  thanksOpened: 'Caso aperto. Trovi la checklist nel canale.',
};
