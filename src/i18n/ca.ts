import { dayOfMonth } from './dates.js';
import type { Catalog } from './en.js';

/** The article before a date: "el 9 de desembre", but "l’1", "l’11" (and "al"/"a l’" likewise). */
const elided = (day: string) => [1, 11].includes(dayOfMonth(day) ?? 0);
const elDia = (day: string) => (elided(day) ? `l’${day}` : `el ${day}`);
const alDia = (day: string) => (elided(day) ? `a l’${day}` : `al ${day}`);
/** A language's name inside a sentence: "en català", not "en Català". */
const inSentence = (name: string) => name.charAt(0).toLocaleLowerCase('ca') + name.slice(1);

/**
 * Catalan copy, informal "tu" as Slack teams use it. Written from shared/recovery-method.md,
 * not translated line by line from the English catalog.
 */

const minuts = (n: number) => (n === 1 ? '1 minut' : `${n} minuts`);
const hores = (n: number) => (n === 1 ? '1 hora' : `${n} hores`);
const dies = (n: number) => (n === 1 ? '1 dia' : `${n} dies`);

const casesWord = (n: number) => (n === 1 ? 'cas' : 'casos');
/** "de" before a number, elided where it is read with a vowel (d’1, d’11, de 8). */
const de = (n: number) => (n === 1 || n === 11 ? `d’${n}` : `de ${n}`);

export const ca: Catalog = {
  langName: 'Català',
  severity: { minor: 'Lleu', major: 'Greu', critical: 'Crític' },
  stepTitle: {
    own_up: 'Reconeix l’error davant del client',
    outline: 'Escriu el guió',
    apologize: 'Demana disculpes i assumeix la responsabilitat',
    meeting: 'Concerta una reunió en persona',
    compensation: 'Decideix la compensació',
    corrective_changes: 'Aplica canvis i explica-ho al client',
    fix_meeting: 'Concerta una segona reunió per mostrar la solució',
    client_answer: 'Registra la resposta del client',
    keep_trying: 'Insisteix, amb tacte',
    check_in: 'Mantén un contacte periòdic amb el client',
  },
  stepState: {
    waiting: 'No començat',
    pending: 'Pendent',
    snoozed: 'Ajornat',
    done: 'Fet',
    skipped: 'Omès',
    overdue: 'Endarrerit',
  },
  outcome: { open: 'Obert', won_back: 'Recuperat', lost: 'Perdut', closed: 'Tancat' },
  case: {
    header: (client: string, severity: string) => `${client} · ${severity}`,
    whatHappened: 'Què ha passat',
    owner: (who: string) => `Se n’encarrega ${who}`,
    openedBy: (who: string, when: string) => `Obert per ${who}, ${when}`,
    due: (when: string) => `termini: ${when}`,
    doneBy: (who: string, when: string) => `per ${who}, ${when}`,
    snoozedUntil: (when: string) => `ajornat fins a ${when}`,
    withMeeting: 'durant la reunió',
    startsAfter: 'comença més endavant',
    meetingAt: (when: string) => `Reunió: ${when}`,
    fixMeetingAt: (when: string) => `Reunió per mostrar la solució: ${when}`,
    toldAfter: (span: string) => `Client informat al cap de ${span}`,
    notToldYet: 'Client encara no informat',
    answer: {
      accepted: 'El client ha acceptat les disculpes',
      refused: 'De moment, el client ho ha rebutjat',
    },
    refusedEnded: 'El client ho ha rebutjat',
    ended: (outcome: string, when: string) => `${outcome} ${when}`,
    reason: (reason: string) => `Motiu: ${reason}`,
    deliveryProblem:
      ':warning: Amends no ha pogut publicar aquí. Comprova que l’aplicació s’ha afegit a aquest canal i que el canal no està arxivat.',
    deliveryRetrying:
      ':hourglass: Slack no ha acceptat l’última publicació d’Amends aquí. El cas està desat; Amends ho torna a provar cada minut.',
    fallback: (client: string, severity: string) => `Cas de recuperació: ${client} (${severity})`,
    skipReason: (reason: string) => `Omès: ${reason}`,
    offered: (what: string) => `Oferta: ${what}`,
    stalled: (since: string) =>
      `:pause_button: Aturat: res no s’ha mogut des de ${since}. Amends t’ho recordarà un cop per setmana fins que algú actuï.`,
    notNeeded: 'Ja no cal: el client ha acceptat',
    heldAfterRefusal: 'obert des d’abans de la resposta del client: sense recordatoris',
    stalledRefused: (since: string) =>
      `:pause_button: Aturat: res no s’ha mogut des de ${since}. Amends només segueix les dates dels seguiments.`,
    followUps: (n: number) => `seguiments registrats: ${n}`,
    checkIns: (n: number) => `contactes periòdics registrats: ${n}`,
    missed: (dates: string) => `Dates passades sense res registrat: ${dates}`,
    fromMessage: 'Del missatge original',
  },
  span: {
    minutes: (n: number) => minuts(n),
    hours: (h: number, m: number) => (m ? `${hores(h)} i ${minuts(m)}` : hores(h)),
    days: (d: number, h: number) => (h ? `${dies(d)} i ${hores(h)}` : dies(d)),
  },
  button: {
    done: 'Fet',
    snooze: 'Ajorna',
    skip: 'Omet',
    meeting: 'Concerta la reunió',
    outline: 'Escriu el guió',
    compensation: 'Registra l’oferta',
    accepted: 'El client ha acceptat',
    refused: 'El client ho ha rebutjat',
    close: 'Tanca el cas',
    moreFollowUps: 'Torna-ho a provar en 30 dies',
    openThread: 'Obre el fil',
    moveMeeting: 'Canvia la reunió',
    moveFixMeeting: 'Canvia la reunió de la solució',
    recordFollowUp: 'Registra un seguiment',
  },
  snooze: {
    hour: '1 hora',
    tomorrow: 'demà al matí (hora de qui se n’encarrega)',
    nextWeek: 'la setmana vinent (hora de qui se n’encarrega)',
    whose: (owner: string) => ` (el matí de ${owner})`,
  },
  confirmClose: {
    title: 'Vols tancar aquest cas?',
    text: 'Els recordatoris s’aturen i la llista de tasques queda congelada. Podràs indicar si el client s’ha recuperat o s’ha perdut.',
    confirm: 'Tanca-ho',
    deny: 'Deixa’l obert',
  },
  confirmRefused: {
    title: 'El client ho ha rebutjat?',
    text: 'Durant les properes setmanes, Amends et recordarà que hi tornis, amb tacte. No et rendeixis: si deixes d’intentar-ho, el client no tornarà pel seu compte.',
    confirm: 'Sí, registra-ho',
    deny: 'Cancel·la',
  },
  /** Correccions i traspassos: desfer, confirmacions, responsable, gravetat, guió, reunió. */
  corrections: {
    undo: 'Desfés',
    undone: (who: string, what: string) =>
      `:leftwards_arrow_with_hook: ${who} ha desfet ${what}. El cas torna a estar com abans.`,
    undoneMark: (who: string, when: string) =>
      `:leftwards_arrow_with_hook: Desfet per ${who}, ${when}.`,
    what: {
      step_done: (step: string) => `el pas *${step}* marcat com a fet`,
      step_snoozed: (step: string) => `l’ajornament del pas *${step}*`,
      client_accepted: 'l’acceptació del client',
      client_refused: 'el rebuig del client',
      client_message_sent: 'l’enviament del missatge al client',
      change_done: 'un canvi marcat com a fet',
      other: 'l’últim clic',
    },
    refused: {
      already: 'Ja s’havia desfet; no ha canviat res.',
      expired:
        'És massa tard per desfer-ho: un clic es pot desfer durant 10 minuts. No ha canviat res; el missatge del cas mostra com està.',
      moved_on:
        'Només es pot desfer l’últim clic d’un cas, i el cas ha avançat des d’aquest. No ha canviat res.',
      elsewhere:
        'Aquest cas és en un altre canal, així que no es pot desfer des d’aquí. No ha canviat res.',
      not_yours:
        'Només ho pot desfer qui ha fet el clic o la persona responsable del cas. No ha canviat res.',
    },
    confirmAccepted: {
      title: 'El client ha acceptat?',
      text: 'Els passos que quedaven oberts d’abans de la resposta es tanquen com a innecessaris, i comença el contacte periòdic amb el client.',
      confirm: 'Sí, registra-ho',
      deny: 'Cancel·la',
    },
    confirmOwnUp: {
      title: 'El client ja ho sap?',
      text: 'Això registra quan el client ho ha sabut per vosaltres: el temps fins a admetre-ho s’atura ara.',
      confirm: 'Sí, ho sap',
      deny: 'Cancel·la',
    },
    sentUsed: (who: string, when: string) =>
      `:white_check_mark: ${who} l’ha marcat com a enviat, ${when}.`,
    menu: {
      owner: 'Canvia el responsable',
      severity: 'Canvia la gravetat',
      outline: 'Edita el guió',
      cancelMeeting: 'Cancel·la la reunió',
      cancelFixMeeting: 'Cancel·la la reunió de la solució',
    },
    owner: {
      title: 'Canvia el responsable',
      label: 'Nou responsable',
      hint: 'S’avisa el nou responsable al fil, i els terminis passen al seu horari de feina.',
      submit: 'Traspassa-ho',
      retimed: ':clock3: Els terminis han passat a l’horari de feina del nou responsable:',
      line: (who: string, from: string, to: string) =>
        `:busts_in_silhouette: ${who} ha traspassat el cas de ${from} a ${to}. ${to}, ara és teu: els terminis segueixen el teu horari de feina.`,
    },
    severity: {
      title: 'Canvia la gravetat',
      label: 'Gravetat',
      hint: 'Els terminis es tornen a calcular per a la nova gravetat, des que va començar cada pas.',
      submit: 'Desa',
      line: (who: string, from: string, to: string) =>
        `:triangular_flag_on_post: ${who} ha canviat la gravetat de ${from} a ${to}. S’han tornat a calcular els terminis.`,
    },
    outlineEdited: (who: string) => `:memo: ${who} ha editat el guió. Ara diu:`,
    cancel: {
      title: 'Cancel·la la reunió',
      text: (when: string) =>
        `Vols cancel·lar la reunió del ${when}? Al fil es publica una cancel·lació per al calendari, per enviar-la al client, i el pas de la reunió torna a quedar obert.`,
      submit: 'Cancel·la la reunió',
      close: 'Mantén-la',
      line: (who: string, when: string) =>
        `:x: ${who} ha cancel·lat la reunió del ${when}. Envia al client la cancel·lació d’aquí sota i concerta una nova hora.`,
      fixLine: (who: string, when: string) =>
        `:x: ${who} ha cancel·lat la reunió per mostrar la solució del ${when}. Envia al client la cancel·lació d’aquí sota i concerta una nova hora quan convingui.`,
      comment: 'Cancel·lació per al calendari del client.',
    },
    field: {
      owner_unchanged: 'Aquesta persona ja és la responsable del cas; no ha canviat res.',
      severity_unchanged: 'El cas ja té aquesta gravetat; no ha canviat res.',
      outline_unchanged: 'El guió és igual que abans; no ha canviat res.',
      no_meeting: 'No hi ha cap reunió pendent per cancel·lar; no ha canviat res.',
    },
  },
  modal: {
    cancel: 'Cancel·la',
    open: {
      title: 'Nou cas de recuperació',
      submit: 'Obre el cas',
      client: 'Client',
      clientHint: 'El client a qui hem fallat, p. ex. Acme Corp',
      summary: 'Què ha passat',
      summaryHint: 'En paraules senzilles, tal com ho explicaries al client',
      severity: 'Gravetat',
      owner: 'Responsable',
      due: 'Informa el client abans de',
      dueHint: 'Substitueix el termini per defecte per reconèixer l’error',
      dueTime: 'Hora',
      knownClient: 'Client conegut',
      knownClientHint:
        'Tria’l per fer servir les dades que ja consten, o escriu a sota el nom d’un client nou.',
      clientNewHint: 'Un client nou; deixa-ho buit per fer servir el que has triat a dalt.',
      clientDetails:
        '*Les dades del client*, per al missatge i la invitació. Si deixes un camp buit, es manté el que ja consta.',
      contact: 'Persona de contacte',
      email: 'Correu de la persona de contacte',
      clientTz: 'Zona horària del client',
      clientTzHint:
        'P. ex. America/New_York o Europe/Madrid: les hores escrites per al client la fan servir.',
      clientLang: 'Llengua del client',
      clientLangHint: 'El missatge i la invitació s’escriuen en aquesta llengua.',
      place: 'Lloc habitual de les reunions',
      placeHint:
        'Una adreça, una sala o un enllaç de videotrucada; es proposa quan es fixa una reunió.',
      language: 'Llengua del cas',
      languageHint: 'Amends la fa servir en tot el que escriu al fil del cas.',
    },
    outline: {
      title: 'Guió de la reunió',
      submit: 'Desa el guió',
      happened: 'Què ha passat',
      why: 'Per què ha anat malament',
      prevention: 'Què evitarà que es repeteixi',
      summary: 'En dues frases',
      summaryHint: 'El que diràs primer. Tingues els detalls a punt per si el client te’ls demana.',
    },
    meeting: {
      title: 'Concerta la reunió',
      submit: 'Desa',
      moveTitle: 'Canvia la reunió',
      moveSubmit: 'Canvia',
      place: 'Lloc',
      placeHint: 'Una adreça, una sala o un enllaç de videotrucada: va a la invitació.',
      length: 'Durada',
      minutes: (n: number) => `${n} minuts`,
      clientTime: (zone: string) =>
        `La invitació i el missatge la donen en la del client: ${zone}.`,
      date: 'Data',
      time: 'Hora',
      hint: 'En persona o, si més no, per videotrucada. A la teva zona horària.',
    },
    skip: { title: 'Omet un pas', submit: 'Omet', reason: 'Per què l’omets?' },
    compensation: {
      title: 'Compensació',
      submit: 'Desa',
      offer: 'Què li has ofert?',
      hint: 'Un reemborsament, un crèdit, un extra. Segons un estudi, la compensació sola va satisfer prop del 37% dels clients; amb unes disculpes, el 74%.',
    },
    followUp: {
      title: 'Seguiment',
      submit: 'Desa',
      note: 'Què has fet o proposat?',
      hint: 'Una línia, p. ex. he proposat una petita comanda de prova',
    },
    close: {
      title: 'Tanca el cas',
      submit: 'Tanca el cas',
      outcome: 'Resultat',
      reason: 'Motiu',
      reasonHint: 'Obligatori si el resultat és «Perdut»: explica per què s’ha perdut el client.',
    },
  },
  thread: {
    opened: (owner: string, step: string, why: string) =>
      `${owner}, aquest cas és teu. Primer pas: *${step}*. ${why}`,
    done: (who: string, step: string) => `:white_check_mark: ${who} ha completat *${step}*.`,
    skipped: (who: string, step: string) => `:fast_forward: ${who} ha omès *${step}*.`,
    snoozed: (who: string, step: string, when: string) =>
      `:zzz: ${who} ha ajornat *${step}* fins a ${when}.`,
    meeting: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha concertat la reunió per ${alDia(day)} a les ${time}.`,
    meetingMoved: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha canviat la reunió ${alDia(day)} a les ${time}.`,
    fixMeeting: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha concertat per ${alDia(day)} a les ${time} la reunió per mostrar la solució.`,
    fixMeetingMoved: (who: string, day: string, time: string) =>
      `:calendar: ${who} ha canviat ${alDia(day)} a les ${time} la reunió per mostrar la solució.`,
    outline: (who: string) => `:memo: ${who} ha escrit el guió de la reunió:`,
    compensation: (who: string) => `:gift: ${who} ha registrat què s’ha ofert al client:`,
    accepted: (who: string) =>
      `:tada: ${who} ha registrat que el client ha acceptat. A partir d’ara comença el contacte periòdic amb el client.`,
    refused: (who: string) =>
      `:hourglass_flowing_sand: ${who} ha registrat que el client ho ha rebutjat. Amends us recordarà que ho torneu a provar, amb tacte.`,
    closed: (who: string, outcome: string) => `:lock: ${who} ha tancat el cas: ${outcome}.`,
    moreFollowUps: (who: string, when: string) =>
      `:repeat: ${who} ha programat un altre contacte de seguiment per ${alDia(when)}.`,
    followUp: (who: string, when: string) =>
      `:speech_balloon: ${who} ha tornat a contactar el client. Proper seguiment: ${elDia(when)}.`,
    checkedIn: (who: string, when: string) =>
      `:speech_balloon: ${who} ha fet el contacte periòdic amb el client. Proper contacte periòdic: ${elDia(when)}.`,
    followUpLast: (who: string, when: string) =>
      `:speech_balloon: ${who} ha tornat a contactar el client. Era l’últim seguiment previst: ${elDia(when)} Amends et preguntarà si cal tancar el cas o tornar-ho a provar.`,
    checkedInLast: (who: string, when: string) =>
      `:speech_balloon: ${who} ha fet el contacte periòdic amb el client. Era l’últim previst: ${elDia(when)} Amends et preguntarà si cal tancar el cas com a recuperat.`,
  },
  outline: {
    happened: 'Què ha passat',
    why: 'Per què',
    prevention: 'Prevenció',
    summary: 'En dues frases',
  },
  why: {
    own_up:
      'Explica al client què ha anat malament abans que ho descobreixi pel seu compte. La rapidesa compta més que la perfecció: amagar-ho, negar-ho o posar excuses li diu que no es pot refiar de tu quan les coses es compliquen.',
    outline:
      'Abans de parlar, escriu què ha passat, per què i què evitarà que es repeteixi, i assegura’t que ho saps dir en dues frases.',
    apologize:
      'Comença amb unes disculpes que diguin clarament quin mal heu causat i després assumeix-ne la responsabilitat: «ens hem equivocat i és culpa nostra». Si pots, digues-ho en directe.',
    meeting:
      'Concerta una reunió en persona o, si més no, una videotrucada. Els professionals donen la cara.',
    compensation:
      'Decideix com compensareu el client: un reemborsament, un crèdit, un extra inesperat. Juntament amb unes disculpes, pot convertir un client decebut en un defensor vostre.',
    corrective_changes:
      'Posa en marxa els canvis (un control de qualitat, més estoc, una persona de contacte dedicada) i explica al client què ha canviat i com l’avisareu la propera vegada.',
    fix_meeting:
      'Quan la solució necessita temps, torna a reunir-te amb el client per mostrar-la funcionant. Opcional: reserva-la quan convingui.',
    client_answer:
      'Demana al client la seva resposta i registra-la aquí: ha acceptat o, de moment, ho ha rebutjat.',
    keep_trying:
      'Demana una petita oportunitat: una comanda més petita, una prova, la teva supervisió personal del seu compte.',
    check_in:
      'Mantén personalment un contacte periòdic amb el client fins que et digui que ja no cal.',
  },
  nudge: {
    alsoOpen: 'També pendent en aquest cas:',
    stalled: (owner: string, since: string, others: string) =>
      `:pause_button: En aquest cas no s’ha mogut res des de ${since}. Se n’encarrega ${owner}; ${others}, podeu ajudar a reprendre’l? A partir d’ara Amends ho recordarà un cop per setmana.`,
    stalledAlone: (owner: string, since: string) =>
      `:pause_button: En aquest cas no s’ha mogut res des de ${since}. ${owner}, fes un pas avui o demana ajuda a un company. A partir d’ara Amends ho recordarà un cop per setmana.`,
    due: (owner: string, step: string, why: string) => `${owner}, et toca: *${step}*. ${why}`,
    again: (owner: string, step: string, due: string) =>
      `${owner}, *${step}* encara està pendent (termini: ${due}). Una actualització breu ara val més que una de perfecta més tard.`,
    meetingPrep: (owner: string, when: string) =>
      `${owner}, la reunió és ${when}. Torna a llegir el guió, comença amb les disculpes i escolta sense posar-te a la defensiva.`,
    meetingPrepNoOutline: (owner: string, when: string) =>
      `${owner}, la reunió és ${when} i encara no hi ha guió. Escriu-lo ara: què ha passat, per què, què evitarà que es repeteixi, en dues frases.`,
    escalation: (owner: string, step: string, due: string, others: string) =>
      `:rotating_light: *${step}* va amb retard (termini: ${due}). Se n’encarrega ${owner}; ${others}, podeu ajudar a tirar-ho endavant avui?`,
    escalationAlone: (owner: string, step: string, due: string) =>
      `:rotating_light: *${step}* va amb retard (termini: ${due}). ${owner}, ara és el més urgent d’aquest cas: fes-ho avui o demana ajuda a un company.`,
    keepTrying: (owner: string, n: number, idea: string) =>
      `${owner}, seguiment ${n}: torna a contactar amb el client. ${idea} Recorda-li amb tacte que tothom s’equivoca; el que compta és què ha canviat.`,
    keepTryingIdeas: [
      'Proposa-li una primera comanda més petita, perquè tornar-ho a provar li costi poc.',
      'Ofereix-li una prova gratuïta del servei que va fallar.',
      'Ofereix-te a revisar personalment cada aspecte del seu compte fins que et digui que ja no cal.',
      'Explica-li els canvis que heu fet des d’aleshores, amb un exemple concret.',
      'Demana-li quinze minuts per escoltar què el faria tornar.',
    ],
    keepTryingEnd: (owner: string) =>
      `${owner}, aquest era l’últim seguiment previst. Si el client no ha tornat, tanca el cas com a perdut indicant-ne el motiu, o programa un intent més.`,
    checkIn: (owner: string, n: number) =>
      `${owner}, contacte periòdic ${n}: pregunta al client com van les coses des dels canvis i si encara hi ha res que el preocupi.`,
    checkInEnd: (owner: string) =>
      `${owner}, aquest era l’últim contacte periòdic previst. Si el client està content, tanca el cas com a recuperat.`,
    lastFollowUp: 'Aquest és l’últim seguiment previst.',
    lastCheckIn: 'Aquest és l’últim contacte periòdic previst.',
    cadenceMissed: (n: number, dates: string) =>
      `No hi ha res registrat ${n === 1 ? 'per a aquesta data' : `per a aquestes ${n} dates`}: ${dates}. Si vas contactar el client, registra-ho, perquè el cas mostri què s’ha fet.`,
    stillOpen: (steps: string) =>
      `D’abans de la seva resposta encara queda per fer: ${steps}. Pot formar part d’aquesta petita petició.`,
    followUpTally: (recorded: number, missed: number) =>
      `Seguiments registrats: ${recorded}${missed ? `; dates passades sense res registrat: ${missed}` : ''}.`,
    checkInTally: (recorded: number, missed: number) =>
      `Contactes periòdics registrats: ${recorded}${missed ? `; dates passades sense res registrat: ${missed}` : ''}.`,
    stalledRefused: (owner: string, since: string, others: string) =>
      `:pause_button: En aquest cas no s’ha mogut res des de ${since}, i una data de seguiment ha passat sense res registrat. Se n’encarrega ${owner}; ${others}, podeu ajudar a trobar una petita oportunitat per demanar al client? Amends només segueix les dates dels seguiments.`,
    stalledRefusedAlone: (owner: string, since: string) =>
      `:pause_button: En aquest cas no s’ha mogut res des de ${since}, i una data de seguiment ha passat sense res registrat. ${owner}, contacta avui el client o demana ajuda a un company. Amends només segueix les dates dels seguiments.`,
  },
  list: {
    title: 'Casos de recuperació oberts',
    empty: 'Cap cas obert aquí ni a càrrec teu. Bona notícia.',
    line: (link: string, client: string, severity: string, owner: string, next: string) =>
      `• ${link} ${client} (${severity}), responsable ${owner}: ${next}`,
    allDone: 'tots els passos fets',
    noThread: '(no publicat)',
    link: 'cas',
  },
  changes: {
    title: 'Canvis correctius',
    add: 'Afegeix un canvi',
    done: 'Fet',
    drop: 'Descarta',
    what: 'Què canvia',
    whatHint:
      'Concret i comprovable, p. ex. un control de qualitat abans de l’enviament, més estoc, un contacte dedicat, un pla per avisar aviat el client.',
    who: 'Qui el fa',
    by: 'Fins a quan',
    dropTitle: 'Descarta un canvi',
    dropReason: 'Per què es descarta?',
    line: (what: string, who: string, by: string) =>
      `${what}${who ? ` · ${who}` : ''}${by ? ` · ${by}` : ''}`,
    dropped: (reason: string) => `descartat: ${reason}`,
    notDone: 'No fet',
    none: 'Encara no hi ha canvis: afegeix cadascun dels que fareu.',
    added: (who: string, what: string) => `:hammer_and_wrench: ${who} ha promès un canvi: ${what}`,
    doneLine: (who: string, what: string) => `:white_check_mark: ${who} ha fet el canvi: *${what}*`,
    droppedLine: (who: string, what: string) =>
      `:fast_forward: ${who} ha descartat un canvi: *${what}*`,
  },
  draft: {
    button: 'Esborrany de missatge al client',
    title: 'Missatge al client',
    submit: 'Publica per revisar',
    subject: 'Assumpte',
    body: 'Missatge',
    hint: 'Fet a partir del cas. Edita’l lliurement: es publica al fil perquè els companys el revisin, amb un enllaç que l’obre al teu programa de correu.',
    subjectText: (client: string) => `Les nostres disculpes a ${client}`,
    subjectChanged: (client: string) => `Les nostres disculpes a ${client} i què hem canviat`,
    prevention: (text: string) => `Què evitarà que torni a passar: ${text}`,
    greeting: (client: string) => `Benvolguts ${client},`,
    apology: (happened: string) =>
      `Vull demanar-vos disculpes, personalment i en nom de tot l’equip. ${happened} L’error va ser nostre i n’assumim tota la responsabilitat.`,
    followUp:
      'Us escric per donar continuïtat a les nostres disculpes i per explicar-vos què hem fet des de llavors.',
    followUpPending:
      'Us escric per donar continuïtat a les nostres disculpes i per explicar-vos com estan les coses.',
    inShort: (summary: string) => `En resum: ${summary}`,
    changed: 'Què hem canviat ja:',
    willChange: 'Què canviarem:',
    by: (when: string) => `fins ${alDia(when)}`,
    compensation: (offer: string) => `Per compensar-vos, us volem oferir: ${offer}.`,
    warning:
      'Si mai torna a passar una cosa així, us n’assabentareu per nosaltres primer, de seguida, abans d’haver-ho de notar vosaltres.',
    meet: 'M’agradaria parlar-ne en persona. Tindríeu temps per a una reunió breu aquesta setmana?',
    meetAt: (when: string) =>
      `M’agradaria parlar-ne en persona, tal com vam acordar, ${elDia(when)}.`,
    greetingPerson: (name: string) => `Benvolgut/da ${name},`,
    subjectUpdate: (client: string) => `${client}: com van les coses que us vam prometre`,
    afterAccepted:
      'Gràcies per donar-nos l’oportunitat de posar-hi remei. Us explico com estan les coses que us vam prometre.',
    afterAcceptedPending:
      'Gràcies per donar-nos l’oportunitat de posar-hi remei. Us poso al dia del que us vam prometre.',
    talkAgain:
      'Si voleu repassar-ho junts, estaré encantat de parlar-ne o de trobar-nos quan us vagi bé.',
    signOff: (name: string) => `Cordialment,\n${name}`,
    posted: (who: string) => `:envelope: ${who} ha preparat un missatge per al client. Reviseu-lo:`,
    mailto: 'Obre’l al programa de correu',
    mailtoClipped: 'Obre’l al programa de correu (escurçat: copia el text complet de més amunt)',
    sent: 'Marca com a enviat',
    sentLine: (who: string) => `:outbox_tray: ${who} ha enviat el missatge al client.`,
    markedOne: (step: string) => ` Marcat com a fet: ${step}.`,
    markedMany: (steps: string) => ` Marcats com a fets: ${steps}.`,
    and: 'i',
    noOutline: 'Escriu primer l’esquema: el missatge es fa a partir d’ell.',
  },
  invite: {
    fixTitle: (client: string) => `Reunió amb ${client} per mostrar la solució`,
    title: (client: string) => `Reunió amb ${client}`,
    comment: (url: string) =>
      `:calendar: La invitació per reenviar al client (obre-la per afegir-la a un calendari), o <${url}|afegeix-la a Google Calendar>. Si la reunió es mou, la nova invitació substitueix aquesta.`,
  },
  digest: {
    owner: 'Qui se n’encarrega',
    intro: (n: number) =>
      `:sunrise: Bon dia. Avui ${n} casos de recuperació et necessiten; a sota hi ha el pas més urgent de cadascun. Aquest matí els seus fils no et mencionaran.`,
  },
  shared: {
    withdrawn:
      ':lock: Aquest cas de recuperació ja no es mostra aquí: el canal està compartit amb persones de fora de l’empresa. Qui se n’encarrega el pot moure a un canal intern.',
    ownerNote: (channel: string, client: string) =>
      `:lock: ${channel} està compartit amb persones de fora de la teva empresa, així que Amends ha deixat d’escriure-hi el cas de recuperació de ${client} i n’ha amagat el missatge. Mou-lo a un canal intern:`,
    ownerWaiting: (channel: string, client: string) =>
      `:lock: ${channel} està compartit amb persones de fora de la teva empresa, així que el cas de recuperació de ${client} està desat però no s’hi ha publicat. Mou-lo a un canal intern:`,
    /** The case waits: Slack could not say whether the channel is shared outside the company. */
    unknown:
      ':hourglass: El cas està desat, però Amends encara no l’ha publicat: Slack no ha confirmat que aquest canal sigui intern, i un cas de recuperació no va mai on el client el pugui llegir. Amends ho continua comprovant i el publicarà tan bon punt Slack ho confirmi.',
    notPosted:
      ':lock: Aquest canal està compartit amb persones de fora de la teva empresa, així que Amends no hi ha publicat el cas. Està desat: tria un canal intern.',
    movedTo: (channel: string) =>
      `:lock: Aquest canal està compartit amb persones de fora de la teva empresa, així que Amends ha obert el cas a ${channel} i ha anotat aquest canal com el lloc on parles amb el client.`,
    moveButton: 'Mou el cas',
    moveTitle: 'Mou el cas',
    moveSubmit: 'Mou',
    moveChannel: 'Canal intern',
    moveHint: 'Només canals no compartits fora de l’empresa. Primer convida-hi Amends.',
    targetShared: 'Aquest canal també està compartit fora de l’empresa. Tria’n un d’intern.',
    clientChannel: (channel: string) => `Es parla amb el client a ${channel}`,
  },
  report: {
    title: (scope: string) => `Resultats dels darrers 90 dies: ${scope}`,
    heading: 'Resultats dels darrers 90 dies',
    about: (scope: string) =>
      `Sobre ${scope}: els casos oberts en aquests 90 dies, els que s’hi han decidit (encara que s’haguessin obert abans) i els que són oberts ara.`,
    scopeChannel: (channel: string) => `els casos de ${channel}`,
    scopeAll: 'tot l’espai de treball',
    counts: (
      opened: number,
      won: number,
      lost: number,
      closed: number,
      open: number,
      refused: number,
    ) =>
      `*${opened}* ${opened === 1 ? 'cas nou' : 'casos nous'}. Decidits en aquests 90 dies: ${won} ${won === 1 ? 'client recuperat' : 'clients recuperats'}, ${lost} ${lost === 1 ? 'perdut' : 'perduts'}, ${closed} ${closed === 1 ? 'tancat' : 'tancats'} d’una altra manera. ${open} encara ${open === 1 ? 'obert' : 'oberts'}${refused ? `, dels quals ${refused} ${refused === 1 ? 'rebutjat' : 'rebutjats'} pel client (l’equip continua intentant-ho)` : ''}.`,
    lostTitle: 'Perduts en aquests 90 dies',
    refusedTitle: 'Rebutjats pel client: l’equip continua intentant-ho',
    lostLine: (
      ref: string,
      client: string,
      owner: string,
      channel: string,
      when: string,
      reason: string,
    ) =>
      `• ${ref} *${client}*, se n’encarrega ${owner}, ${channel} · perdut: ${when}${reason ? ` · motiu: ${reason}` : ''}`,
    refusedLine: (ref: string, client: string, owner: string, channel: string, when: string) =>
      `• ${ref} *${client}*, se n’encarrega ${owner}, ${channel} · rebutjat: ${when}`,
    ownUp: (median: string, p90: string, n: number) =>
      `Temps fins a reconèixer l’error: mediana ${median}, percentil 90 ${p90} (${de(n)} ${casesWord(n)}).`,
    meeting: (median: string, n: number) =>
      `Temps fins a la reunió: mediana ${median} (${de(n)} ${casesWord(n)}).`,
    ownUpNone: 'Temps fins a reconèixer l’error: encara cap cas.',
    meetingNone: 'Temps fins a la reunió: encara cap reunió.',
    noData: 'encara no hi ha dades',
    apology: (pct: string, hits: number, n: number) =>
      `Amb disculpa: ${pct} (${hits} ${de(n)} ${casesWord(n)}).`,
    compensation: (pct: string, hits: number, n: number) =>
      `Amb compensació: ${pct} (${hits} ${de(n)} ${casesWord(n)}).`,
    winBackTitle: 'Clients recuperats, entre els casos decidits:',
    both: 'disculpa i compensació',
    apologyOnly: 'només disculpa',
    compensationOnly: 'només compensació',
    neither: 'cap de les dues',
    line: (label: string, pct: string, hits: number, n: number) =>
      `• ${label}: ${pct} (${hits} ${de(n)})`,
    research:
      'Per comparar: en la recerca, la compensació sola va satisfer al voltant del 37% dels clients; amb una disculpa, el 74%.',
    learningTitle: 'Què ensenyen els casos anteriors (darrers 365 dies)',
    repeatClients: (list: string) => `Clients amb més d’un cas: ${list}.`,
    noRepeat: 'Cap client no ha tingut més d’un cas.',
    trouble: 'Passos que més sovint van amb retard o s’ometen:',
    troubleLine: (step: string, overdue: number, n: number, skipped: number) =>
      `• ${step}: amb retard en ${overdue} ${de(n)} ${casesWord(n)}, omès ${skipped} ${skipped === 1 ? 'vegada' : 'vegades'}`,
    changesNotDone: (hits: number, n: number) =>
      `Canvis promesos però no fets: ${hits} ${de(n)} ${n === 1 ? 'cas tancat' : 'casos tancats'}.`,
    followUps: (recorded: number, missed: number, n: number) =>
      `Seguiments després de la resposta: ${recorded} registrats, ${missed} perduts (dates passades sense res registrat), en ${n} ${casesWord(n)}.`,
    ownUpSpeed: 'Clients recuperats, segons com de prompte se’ls va informar:',
    within24h: 'en 24 h',
    later: 'més tard',
    never: 'mai informats',
    empty:
      'Encara no hi ha casos en aquest període. Obre’n un amb `/incident Client: què ha passat`; les xifres s’omplen a mesura que es decideixen els casos.',
    exportAdminsOnly:
      'Només els administradors de l’espai de treball poden exportar tots els casos (inclou casos de canals privats). Demana-ho a un administrador, o fes servir `/incident report`.',
    exportReady:
      'L’exportació dels casos d’aquest espai de treball: una fila per cas (cases) i tots els esdeveniments de cada cas (timeline), tots dos en CSV.',
    exportFailed:
      'Slack no ha acceptat el fitxer de l’exportació, així que no s’ha enviat res. No ha canviat res: torna-ho a provar d’aquí a un minut.',
    exportAdminCheckFailed:
      'Amends no ha pogut comprovar amb Slack si ets administrador de l’espai de treball, així que no ha exportat res. Torna-ho a provar d’aquí a un minut.',
  },
  language: {
    set: (name: string) => `Fet: a partir d’ara Amends et parlarà en ${inSentence(name)}.`,
    current: (name: string, choices: string) =>
      `Amends et parla en ${inSentence(name)}. Per canviar-ho, escriu \`/incident language\` i un de: ${choices}.`,
    unknown: (choices: string) => `Amends encara no parla aquesta llengua. Tria’n una: ${choices}.`,
  },
  help: [
    '*Amends* acompanya el teu equip, pas a pas, per recuperar un client després d’un error.',
    '• `/incident Client: què ha passat` obre aquí un cas de recuperació.',
    '• `/incident` obre un formulari amb gravetat, responsable i termini.',
    '• `/incident list` mostra els casos oberts d’aquest canal i els teus.',
    '• `/incident report` (o `report all`) mostra en privat com han acabat els casos.',
    '• `/incident export` envia als administradors un CSV de tots els casos.',
    '• `/incident language ca` tria la llengua en què et parla Amends (en, it, el, ca).',
    '• `/incident help` mostra aquest missatge.',
    'El cas viu al fil del seu missatge: fes servir els botons d’allà per marcar passos com a fets, ajornar-los i registrar la resposta del client.',
  ].join('\n'),
  home: {
    title: 'Amends',
    intro: 'Escriu `/incident Client: què ha passat` en un canal on sigui Amends per obrir un cas.',
    yourSteps: 'Els teus passos oberts',
    noSteps:
      'No tens res pendent. Quan t’encarreguis d’un cas, els seus propers passos apareixeran aquí, primer els més urgents, amb els seus botons.',
    teamCases: 'Els casos oberts de l’equip',
    firstCase:
      '*Cap cas obert.* Quan un error perjudica un client, obre un cas de seguida: Amends publica al canal una llista (reconèixer l’error, esquema, reunió, disculpa, compensació, informar dels canvis) i acompanya amb calma qui se n’encarrega.',
    caseLine: (link: string, client: string, owner: string, next: string, age: string) =>
      `• ${link} *${client}*, se n’encarrega ${owner}: ${next} · obert fa ${age}`,
    stalled: ':pause_button: aturat',
    refused: 'el client ha dit que no: continuem intentant-ho',
    more: (n: number) => `…i ${n} més`,
    newCase: 'Cas nou',
    language: 'Llengua',
    channel: 'Canal',
    channelHint: 'On es publica el cas: un canal intern on sigui Amends.',
    empty: 'No t’encarregues de cap cas obert.',
  },

  errors: {
    cannot_undo: 'Ja no es pot desfer; no ha canviat res.',
    same_case:
      'Fa pocs minuts has obert un cas amb aquestes mateixes paraules, així que Amends no n’ha obert un altre. Per obrir un altre cas per a aquest client, descriu el que ha passat d’una altra manera.',
    changes_open:
      'Encara hi ha canvis correctius oberts: marca cadascun com a fet, o descarta’l amb un motiu.',
    case_not_found: 'Aquest cas no existeix en aquest espai de treball.',
    step_not_found: 'Aquest pas no forma part d’aquest cas.',
    stale_action:
      'No ha canviat res: el cas ja havia avançat des que va aparèixer aquest botó (també passa si s’hi fa clic una segona vegada). El missatge del cas mostra en quin punt és.',
    already_done: 'Ja està fet; no ha canviat res.',
    case_closed: 'Aquest cas està tancat; no ha canviat res.',
    not_optional: 'Aquest pas forma part del mètode i no es pot ometre.',
    reason_required: 'Indica un motiu, si us plau.',
    invalid_transition: 'Això no encaixa amb l’estat actual del cas; no ha canviat res.',
    invalid_input: 'Revisa el que has escrit.',
    duplicate_request: 'Ja ho hem rebut; no ha canviat res.',
    unknown: (id: string) =>
      `Alguna cosa ha fallat per part nostra i no s’ha desat; torna-ho a provar. Si ens contactes, indica el codi ${id}.`,
    /** A saved case not in its channel yet (errors.ts notShown): what happened, what Amends does. */
    notShown: {
      busy: 'Slack està saturat ara mateix, així que el cas encara no és al canal. Està desat: Amends ho torna a provar cada minut i el publica tan aviat com Slack ho permeti.',
      silent:
        'Slack no ha respost, així que el cas encara no és al canal. Està desat: Amends ho torna a provar cada minut i el publica tan aviat com Slack respongui.',
      later:
        'El cas està desat, però encara no és al canal. Amends ho torna a provar cada minut i el publica tan aviat com pugui.',
      storage:
        'El cas s’ha desat, però després Amends no ha pogut escriure al seu emmagatzematge, així que la publicació no s’ha completat. Amends ho torna a provar cada minut i l’acabarà tot sol.',
      blocked:
        'El cas està desat, però Slack no deixa que Amends publiqui en aquell canal (potser està arxivat, o s’hi ha restringit la publicació). Quan Amends hi pugui tornar a escriure, escriu `/incident list` al canal per publicar-lo.',
      access:
        'El cas està desat, però Slack ha denegat a Amends l’accés a aquest espai de treball, així que no és al canal. Potser cal que un administrador torni a instal·lar Amends; el cas es publicarà quan l’accés torni a funcionar.',
    },
    notInChannel:
      'El cas està desat, però Amends encara no és en aquest canal. Escriu `/invite @Amends` i després `/incident list` per publicar-lo aquí.',
    /** A form that did not open (errors.ts formFailed): nothing changed. */
    form: {
      busy: 'Slack està saturat ara mateix, així que el formulari no s’ha obert. No ha canviat res; torna-ho a provar d’aquí a un minut.',
      silent:
        'Slack no ha respost, així que el formulari no s’ha obert. No ha canviat res; torna-ho a provar.',
      failed: 'Ara mateix no s’ha pogut obrir el formulari. No ha canviat res; torna-ho a provar.',
    },
    notSaved:
      'Amends no ho ha pogut desar ara mateix (l’emmagatzematge no està disponible), així que no ha canviat res. Torna-ho a provar d’aquí a una estona.',
    busy: 'Amends està ocupat ara mateix i no ho ha agafat; no s’ha desat res. Torna-ho a provar d’aquí a un minut.',
    field: {
      meeting_unchanged:
        'És l’hora que ja hi ha: tria un altre dia o una altra hora per moure la reunió.',
      owner: 'Tria una persona que se n’encarregui, no pas Amends.',
      due_time_without_date: 'Tria un dia per a aquesta hora, o esborra l’hora.',
      offer_empty: 'Escriu què oferiu al client (un reemborsament, un crèdit, un extra).',
      note_empty: 'Escriu què has fet: n’hi ha prou amb una línia.',
      draft_subject: 'Posa un assumpte al missatge (200 caràcters com a màxim).',
      draft_body: 'Escriu el missatge (3.000 caràcters com a màxim).',
      change_what: 'Digues què canvia, p. ex. un segon control de qualitat abans de l’enviament.',
      change_too_long: 'Fes el canvi breu (300 caràcters com a màxim).',
      change_by_past: 'La data ha de ser futura.',
      too_many_changes: 'Un cas té com a màxim 10 canvis.',
      change_not_found: 'Aquest canvi no forma part del cas.',
      channel: 'Tria un canal intern per al cas.',
      channel_shared: 'Aquest canal està compartit fora de l’empresa. Tria’n un d’intern.',
      client:
        'Indica el nom del client, p. ex. `/incident Acme Corp: hem enviat els palets equivocats`.',
      summary:
        'Escriu què ha passat després dels dos punts, p. ex. `/incident Acme Corp: hem enviat els palets equivocats`.',
      client_too_long: 'El nom del client és massa llarg (150 caràcters com a màxim).',
      summary_too_long: 'La descripció és massa llarga (4.000 caràcters com a màxim).',
      due_in_past: 'El termini ha de ser en el futur.',
      client_email: 'Aquesta adreça de correu no sembla correcta: escriu-la com nom@exemple.cat.',
      client_tz:
        'Zona horària desconeguda: escriu-la com Regió/Ciutat, p. ex. America/New_York o Europe/Madrid.',
      client_lang: 'Tria una de les llengües que es proposen.',
      client_contact_too_long:
        'El nom de la persona de contacte és massa llarg (150 caràcters com a màxim).',
      client_place_too_long: 'El lloc és massa llarg (300 caràcters com a màxim).',
      client_pick: 'Aquest client ja no consta: escriu-ne el nom.',
      meeting_place_too_long: 'El lloc és massa llarg (300 caràcters com a màxim).',
      meeting_length: 'Tria quant dura la reunió.',
      meeting_in_past: 'La reunió ha de ser en el futur.',
      meeting_date: 'Tria la data i l’hora de la reunió.',
      reason_too_long: 'El motiu és massa llarg (2.000 caràcters com a màxim).',
      lost_reason:
        'El resultat és «Perdut», així que cal un motiu: explica per què s’ha perdut el client.',
      note_too_long: 'El text és massa llarg (2.000 caràcters com a màxim).',
      outline: 'Omple totes les parts del guió.',
      outline_too_long: 'Escurça aquesta part del guió (3.000 caràcters com a màxim).',
      outline_summary_too_long: 'Aquí n’hi ha prou amb dues frases (600 caràcters com a màxim).',
      value:
        'No s’ha pogut llegir aquest botó; no ha canviat res. Fes servir els botons de l’últim missatge del cas.',
    },
  },
  thanksOpened: 'Cas obert. Tens la llista de tasques al canal.',
};
