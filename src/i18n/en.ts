/**
 * English copy. Every user-facing sentence lives in a catalog like this one, keyed the same way
 * in every language (the other catalogs are typed against this one, so a missing key fails the build).
 * Arguments such as `who`, `when` and `step` arrive already formatted for Slack (mentions, date tokens).
 * The wording follows the method in shared/recovery-method.md, written in our own words.
 */
const cases = (n: number): string => (n === 1 ? '1 case' : `${n} cases`);

export const en = {
  langName: 'English',
  severity: { minor: 'Minor', major: 'Major', critical: 'Critical' },
  stepTitle: {
    own_up: 'Own up to the client',
    outline: 'Write the outline',
    apologize: 'Apologise and take responsibility',
    meeting: 'Book a face-to-face meeting',
    compensation: 'Decide on compensation',
    corrective_changes: 'Make changes and report them',
    fix_meeting: 'Book a second meeting to show the fix',
    client_answer: 'Record the client’s answer',
    keep_trying: 'Keep trying, gently',
    check_in: 'Check in on the account',
  },
  stepState: {
    waiting: 'Not started',
    pending: 'To do',
    snoozed: 'Snoozed',
    done: 'Done',
    skipped: 'Skipped',
    overdue: 'Overdue',
  },
  outcome: { open: 'Open', won_back: 'Won back', lost: 'Lost', closed: 'Closed' },
  case: {
    header: (client: string, severity: string) => `${client} · ${severity}`,
    whatHappened: 'What happened',
    owner: (who: string) => `Owner: ${who}`,
    openedBy: (who: string, when: string) => `Opened by ${who} ${when}`,
    due: (when: string) => `due ${when}`,
    doneBy: (who: string, when: string) => `by ${who} ${when}`,
    snoozedUntil: (when: string) => `snoozed until ${when}`,
    withMeeting: 'due with the meeting',
    startsAfter: 'starts later',
    meetingAt: (when: string) => `Meeting: ${when}`,
    fixMeetingAt: (when: string) => `Meeting to show the fix: ${when}`,
    toldAfter: (span: string) => `Client told after ${span}`,
    notToldYet: 'Client not told yet',
    answer: { accepted: 'Client accepted the apology', refused: 'Client refused for now' },
    /** The refusal on a case that has ended: no longer "for now". */
    refusedEnded: 'Client refused',
    ended: (outcome: string, when: string) => `${outcome} ${when}`,
    reason: (reason: string) => `Reason: ${reason}`,
    deliveryProblem:
      ':warning: Amends could not post here. Check that the app is in this channel and the channel is not archived.',
    /** Slack failed or did not answer Amends' last post here (not a problem of the channel). */
    deliveryRetrying:
      ':hourglass: Slack did not take Amends’ last post here. The case is saved; Amends tries again every minute.',
    fallback: (client: string, severity: string) => `Recovery case for ${client} (${severity})`,
    skipReason: (reason: string) => `Skipped: ${reason}`,
    offered: (what: string) => `Offered: ${what}`,
    stalled: (since: string) =>
      `:pause_button: Stalled: nothing has moved since ${since}. Amends nudges once a week until someone acts.`,
    notNeeded: 'Not needed now: the client accepted',
    heldAfterRefusal: 'open from before the client’s answer: no reminders',
    stalledRefused: (since: string) =>
      `:pause_button: Stalled: nothing has moved since ${since}. Amends keeps to the follow-up dates, nothing more.`,
    followUps: (n: number) => `follow-ups recorded: ${n}`,
    checkIns: (n: number) => `check-ins recorded: ${n}`,
    missed: (dates: string) => `Dates passed with nothing recorded: ${dates}`,
    /** The link on a case opened from a message (the message shortcut) back to that message. */
    fromMessage: 'From this message',
  },
  span: {
    minutes: (n: number) => (n === 1 ? '1 minute' : `${n} minutes`),
    hours: (h: number, m: number) => (m ? `${h} h ${m} min` : `${h} h`),
    days: (d: number, h: number) => (h ? `${d} d ${h} h` : `${d} d`),
  },
  button: {
    done: 'Done',
    snooze: 'Snooze',
    skip: 'Skip',
    meeting: 'Book the meeting',
    outline: 'Write the outline',
    compensation: 'Record the offer',
    accepted: 'Client accepted',
    refused: 'Client refused',
    close: 'Close case',
    moreFollowUps: 'Try again in 30 days',
    openThread: 'Open the thread',
    moveMeeting: 'Move the meeting',
    moveFixMeeting: 'Move the fix meeting',
    recordFollowUp: 'Record a follow-up',
  },
  snooze: {
    hour: '1 hour',
    tomorrow: 'tomorrow morning (owner’s time)',
    nextWeek: 'next week (owner’s time)',
    whose: (owner: string) => ` (${owner}’s morning)`,
  },
  confirmClose: {
    title: 'Close this case?',
    text: 'Reminders stop and the checklist is frozen. You can say whether the client was won back or lost.',
    confirm: 'Close it',
    deny: 'Keep it open',
  },
  confirmRefused: {
    title: 'The client refused?',
    text: 'Amends will remind you to follow up gently over the next weeks. Don’t give up: a client you stop asking will not come back on their own.',
    confirm: 'Yes, record it',
    deny: 'Cancel',
  },
  /** Corrections and hand-overs: undo, confirmations, owner, severity, outline, meeting. */
  corrections: {
    undo: 'Undo',
    /** The thread line of an undo: who undid what (a `what` below). */
    undone: (who: string, what: string) =>
      `:leftwards_arrow_with_hook: ${who} undid ${what}. The case is back as it was before.`,
    undoneMark: (who: string, when: string) =>
      `:leftwards_arrow_with_hook: Undone by ${who}, ${when}.`,
    what: {
      step_done: (step: string) => `*${step}* marked done`,
      step_snoozed: (step: string) => `the snooze of *${step}*`,
      client_accepted: 'the client’s acceptance',
      client_refused: 'the client’s refusal',
      client_message_sent: 'the message to the client marked as sent',
      change_done: 'a corrective change marked done',
      other: 'the last click',
    },
    /** Why an Undo changed nothing (DomainError cannot_undo). */
    refused: {
      already: 'This was already undone; nothing changed.',
      expired:
        'Too late to undo: a click can be undone for 10 minutes. Nothing changed; the case message shows where it stands.',
      moved_on:
        'Only the last click on a case can be undone, and the case has moved on since this one. Nothing changed.',
      elsewhere:
        'That case lives in another channel, so it can’t be undone from here. Nothing changed.',
      not_yours: 'Only the person who clicked, or the case owner, can undo this. Nothing changed.',
    },
    confirmAccepted: {
      title: 'The client accepted?',
      text: 'Steps still open from before the answer close as not needed, and check-ins on the account start.',
      confirm: 'Yes, record it',
      deny: 'Cancel',
    },
    confirmOwnUp: {
      title: 'Has the client been told?',
      text: 'This records when the client heard it from you: the own-up clock stops now.',
      confirm: 'Yes, they know',
      deny: 'Cancel',
    },
    /** On the draft once its "Mark as sent" was used. */
    sentUsed: (who: string, when: string) =>
      `:white_check_mark: Marked as sent by ${who}, ${when}.`,
    menu: {
      owner: 'Change owner',
      severity: 'Change severity',
      outline: 'Edit the outline',
      cancelMeeting: 'Cancel the meeting',
      cancelFixMeeting: 'Cancel the fix meeting',
    },
    owner: {
      title: 'Change owner',
      label: 'New owner',
      hint: 'The new owner is told in the thread, and due times move to their working hours.',
      submit: 'Hand over',
      retimed: ':clock3: Due times moved to the new owner’s working hours:',
      line: (who: string, from: string, to: string) =>
        `:busts_in_silhouette: ${who} handed the case over from ${from} to ${to}. ${to}, it is yours now: due times follow your working hours.`,
    },
    severity: {
      title: 'Change severity',
      label: 'Severity',
      hint: 'Due times are planned again for the new severity, from when each step started.',
      submit: 'Save',
      line: (who: string, from: string, to: string) =>
        `:triangular_flag_on_post: ${who} changed the severity from ${from} to ${to}. Due times were planned again.`,
    },
    outlineEdited: (who: string) => `:memo: ${who} edited the outline. It now reads:`,
    cancel: {
      title: 'Cancel the meeting',
      text: (when: string) =>
        `Cancel the meeting of ${when}? A cancellation for the calendar is posted in the thread, to send to the client, and the meeting step is open again.`,
      submit: 'Cancel the meeting',
      close: 'Keep it',
      line: (who: string, when: string) =>
        `:x: ${who} cancelled the meeting of ${when}. Send the client the cancellation below, and book a new time.`,
      fixLine: (who: string, when: string) =>
        `:x: ${who} cancelled the meeting to show the fix, ${when}. Send the client the cancellation below, and book a new time when it fits.`,
      comment: 'Cancellation for the client’s calendar.',
    },
    /** invalid_input details of these actions. */
    field: {
      owner_unchanged: 'That person already owns the case; nothing changed.',
      severity_unchanged: 'The case already has that severity; nothing changed.',
      outline_unchanged: 'The outline is the same as before; nothing changed.',
      no_meeting: 'There is no meeting still to come to cancel; nothing changed.',
    },
  },
  modal: {
    cancel: 'Cancel',
    open: {
      title: 'New recovery case',
      submit: 'Open case',
      client: 'Client',
      clientHint: 'The client you let down, e.g. Acme Corp',
      summary: 'What happened',
      summaryHint: 'Plainly, as you would tell the client',
      severity: 'Severity',
      owner: 'Owner',
      due: 'Tell the client by',
      dueHint: 'Overrides when owning up is due',
      dueTime: 'Time',
      knownClient: 'Known client',
      knownClientHint: 'Pick one to use its details on record, or type a new client’s name below.',
      clientNewHint: 'A new client; leave empty to use the one picked above.',
      clientDetails:
        '*The client’s details*, for the message and the invite. Left empty, what is on record is kept.',
      contact: 'Contact person',
      email: 'Contact’s email',
      clientTz: 'Client’s time zone',
      clientTzHint: 'e.g. America/New_York or Europe/Rome: times written for the client use it.',
      clientLang: 'Client’s language',
      clientLangHint: 'The message and the invite are written in it.',
      place: 'Usual meeting place',
      placeHint: 'An address, a room or a video link; offered when a meeting is booked.',
      language: 'Language of the case',
      languageHint: 'Everything Amends posts in this case’s thread uses it.',
    },
    outline: {
      title: 'Meeting outline',
      submit: 'Save outline',
      happened: 'What happened',
      why: 'Why it went wrong',
      prevention: 'What will prevent it',
      summary: 'In two sentences',
      summaryHint: 'What you will say first. Keep the detail ready in case the client asks.',
    },
    meeting: {
      title: 'Book the meeting',
      submit: 'Save',
      moveTitle: 'Move the meeting',
      moveSubmit: 'Move',
      place: 'Place',
      placeHint: 'An address, a room or a video link: it goes in the invite.',
      length: 'Length',
      minutes: (n: number) => `${n} minutes`,
      clientTime: (zone: string) => `The invite and the message give it in the client’s: ${zone}.`,
      date: 'Date',
      time: 'Time',
      hint: 'Face to face, or at least live. Your own time zone.',
    },
    skip: { title: 'Skip a step', submit: 'Skip', reason: 'Why skip it?' },
    compensation: {
      title: 'Compensation',
      submit: 'Save',
      offer: 'What did you offer?',
      hint: 'A refund, a credit, an extra. In research, compensation alone satisfied about 37% of clients; with an apology, 74%.',
    },
    followUp: {
      title: 'Follow-up',
      submit: 'Save',
      note: 'What did you do or offer?',
      hint: 'One line, e.g. offered a small trial order',
    },
    close: {
      title: 'Close the case',
      submit: 'Close case',
      outcome: 'Outcome',
      reason: 'Reason',
      reasonHint: 'Required when the outcome is Lost: say why the client was lost.',
    },
  },
  thread: {
    opened: (owner: string, step: string, why: string) =>
      `${owner}, you own this case. First: *${step}*. ${why}`,
    done: (who: string, step: string) => `:white_check_mark: ${who} marked *${step}* done.`,
    skipped: (who: string, step: string) => `:fast_forward: ${who} skipped *${step}*.`,
    snoozed: (who: string, step: string, when: string) =>
      `:zzz: ${who} snoozed *${step}* until ${when}.`,
    meeting: (who: string, day: string, time: string) =>
      `:calendar: ${who} booked the meeting for ${day} at ${time}.`,
    meetingMoved: (who: string, day: string, time: string) =>
      `:calendar: ${who} moved the meeting to ${day} at ${time}.`,
    fixMeeting: (who: string, day: string, time: string) =>
      `:calendar: ${who} set the meeting to show the fix for ${day} at ${time}.`,
    fixMeetingMoved: (who: string, day: string, time: string) =>
      `:calendar: ${who} moved the meeting to show the fix to ${day} at ${time}.`,
    outline: (who: string) => `:memo: ${who} wrote the outline for the meeting:`,
    compensation: (who: string) => `:gift: ${who} recorded the offer to the client:`,
    accepted: (who: string) =>
      `:tada: ${who} recorded that the client accepted. Check-ins on the account start now.`,
    refused: (who: string) =>
      `:hourglass_flowing_sand: ${who} recorded that the client refused. Amends will remind you to try again, gently.`,
    closed: (who: string, outcome: string) => `:lock: ${who} closed the case: ${outcome}.`,
    moreFollowUps: (who: string, when: string) =>
      `:repeat: ${who} scheduled another follow-up for ${when}.`,
    followUp: (who: string, when: string) =>
      `:speech_balloon: ${who} followed up. Next follow-up ${when}.`,
    checkedIn: (who: string, when: string) =>
      `:speech_balloon: ${who} checked in with the client. Next check-in ${when}.`,
    followUpLast: (who: string, when: string) =>
      `:speech_balloon: ${who} followed up. That was the last planned follow-up: Amends asks whether to close the case or try again ${when}.`,
    checkedInLast: (who: string, when: string) =>
      `:speech_balloon: ${who} checked in with the client. That was the last planned check-in: Amends asks whether to close the case as won back ${when}.`,
  },
  outline: {
    happened: 'What happened',
    why: 'Why',
    prevention: 'Prevention',
    summary: 'Two-sentence version',
  },
  why: {
    own_up:
      'Tell the client what went wrong before they find out alone. Speed beats polish: hiding, denying or making excuses tells them you cannot be trusted with hard problems.',
    outline:
      'Before you talk, write down what happened, why, and what will prevent it, and be able to say it in two sentences.',
    apologize:
      'Open with an apology that names the harm, then take ownership: "we made a mistake and it is ours". Say it live if you can.',
    meeting:
      'Book a face-to-face meeting, or at least a live call. Showing up is what professionals do.',
    compensation:
      'Decide what to give back: a refund, a credit, an unexpected extra. Offered with an apology, it can turn a hurt client into an advocate.',
    corrective_changes:
      'Put the changes in place (a quality check, more stock, a dedicated contact) and tell the client what changed and how they will be warned next time.',
    fix_meeting:
      'When the fix needs time, meet the client again to show it working. Optional: book it when it fits.',
    client_answer:
      'Ask the client for their answer and record it here: accepted, or refused for now.',
    keep_trying:
      'Ask for a small chance: a smaller order, a trial, your personal oversight of their account.',
    check_in: 'Check in personally on the account until the client says it is no longer needed.',
  },
  nudge: {
    alsoOpen: 'Also waiting on this case:',
    stalled: (owner: string, since: string, others: string) =>
      `:pause_button: Nothing has moved on this case since ${since}. ${owner} owns it; ${others}, can you help restart it? From now on Amends nudges once a week.`,
    stalledAlone: (owner: string, since: string) =>
      `:pause_button: Nothing has moved on this case since ${since}. ${owner}, do one step today or ask a colleague to help. From now on Amends nudges once a week.`,
    due: (owner: string, step: string, why: string) => `${owner}, time for *${step}*. ${why}`,
    again: (owner: string, step: string, due: string) =>
      `${owner}, *${step}* is still open (was due ${due}). A short update now beats a perfect one later.`,
    meetingPrep: (owner: string, when: string) =>
      `${owner}, the meeting is ${when}. Read your outline once more, open with the apology, and listen without getting defensive.`,
    meetingPrepNoOutline: (owner: string, when: string) =>
      `${owner}, the meeting is ${when} and there is no outline yet. Write it now: what happened, why, what will prevent it, in two sentences.`,
    escalation: (owner: string, step: string, due: string, others: string) =>
      `:rotating_light: *${step}* is overdue (was due ${due}). ${owner} owns it; ${others}, can you help move it forward today?`,
    escalationAlone: (owner: string, step: string, due: string) =>
      `:rotating_light: *${step}* is overdue (was due ${due}). ${owner}, it is now the most urgent thing on this case: do it today, or ask a colleague to help.`,
    keepTrying: (owner: string, n: number, idea: string) =>
      `${owner}, follow-up ${n}: reach out to the client again. ${idea} Remind them gently that everyone makes mistakes; what counts is what changed.`,
    keepTryingIdeas: [
      'Offer a smaller first order, so trying again costs them little.',
      'Offer a free trial of the service that went wrong.',
      'Offer to check every aspect of their account yourself until they say it is no longer needed.',
      'Share the changes you made since, with one concrete example.',
      'Ask for fifteen minutes to hear what would make them come back.',
    ],
    keepTryingEnd: (owner: string) =>
      `${owner}, that was the last planned follow-up. If the client has not come back, close the case as lost with a reason, or schedule one more try.`,
    checkIn: (owner: string, n: number) =>
      `${owner}, check-in ${n}: ask the client how things are going since the changes, and whether anything still bothers them.`,
    checkInEnd: (owner: string) =>
      `${owner}, that was the last planned check-in. If the client is happy, close the case as won back.`,
    lastFollowUp: 'This is the last planned follow-up.',
    lastCheckIn: 'This is the last planned check-in.',
    cadenceMissed: (n: number, dates: string) =>
      `Nothing is recorded for ${n === 1 ? 'this date' : `these ${n} dates`}: ${dates}. If you did get in touch, record it, so the case shows what was done.`,
    stillOpen: (steps: string) =>
      `Still open from before their answer: ${steps}. Any of it can be part of this small ask.`,
    followUpTally: (recorded: number, missed: number) =>
      `Follow-ups recorded: ${recorded}${missed ? `; dates passed with nothing recorded: ${missed}` : ''}.`,
    checkInTally: (recorded: number, missed: number) =>
      `Check-ins recorded: ${recorded}${missed ? `; dates passed with nothing recorded: ${missed}` : ''}.`,
    stalledRefused: (owner: string, since: string, others: string) =>
      `:pause_button: Nothing has moved on this case since ${since}, and a follow-up date went by with nothing recorded. ${owner} owns it; ${others}, can you help find a small chance to ask the client for? Amends keeps to the follow-up dates, nothing more.`,
    stalledRefusedAlone: (owner: string, since: string) =>
      `:pause_button: Nothing has moved on this case since ${since}, and a follow-up date went by with nothing recorded. ${owner}, get in touch today, or ask a colleague to help. Amends keeps to the follow-up dates, nothing more.`,
  },
  list: {
    title: 'Open recovery cases',
    empty: 'No open cases here or owned by you. Good.',
    line: (link: string, client: string, severity: string, owner: string, next: string) =>
      `• ${link} ${client} (${severity}), owner ${owner}: ${next}`,
    allDone: 'all steps done',
    noThread: '(not posted)',
    link: 'case',
  },
  changes: {
    title: 'Corrective changes',
    add: 'Add a change',
    done: 'Done',
    drop: 'Drop',
    what: 'What changes',
    whatHint:
      'Concrete and checkable, e.g. a quality check before shipping, more stock, a dedicated contact, a plan to warn the client early.',
    who: 'Who does it',
    by: 'By when',
    dropTitle: 'Drop a change',
    dropReason: 'Why is it dropped?',
    line: (what: string, who: string, by: string) =>
      `${what}${who ? ` · ${who}` : ''}${by ? ` · ${by}` : ''}`,
    dropped: (reason: string) => `dropped: ${reason}`,
    /** A change still open when the case ended. */
    notDone: 'Not done',
    none: 'No changes listed yet: add each one you will make.',
    added: (who: string, what: string) => `:hammer_and_wrench: ${who} promised a change: ${what}`,
    doneLine: (who: string, what: string) => `:white_check_mark: ${who} made the change: *${what}*`,
    droppedLine: (who: string, what: string) => `:fast_forward: ${who} dropped a change: *${what}*`,
  },
  draft: {
    button: 'Draft message to client',
    title: 'Message to the client',
    submit: 'Post for review',
    subject: 'Subject',
    body: 'Message',
    hint: 'Built from the case. Edit it freely: it is posted in the thread for colleagues to review, with a link that opens it in your mail app.',
    subjectText: (client: string) => `Our apology to ${client}`,
    subjectChanged: (client: string) => `Our apology to ${client}, and what we have changed`,
    prevention: (text: string) => `What will keep it from happening again: ${text}`,
    greeting: (client: string) => `Dear ${client},`,
    apology: (happened: string) =>
      `I want to apologise, personally and for our whole team. ${happened} That was our mistake, and we take full responsibility for it.`,
    followUp: 'I am writing to follow up on our apology, and to tell you what we have done since.',
    followUpPending:
      'I am writing to follow up on our apology, and to tell you where things stand.',
    inShort: (summary: string) => `In short: ${summary}`,
    changed: 'What we have already changed:',
    willChange: 'What we will change:',
    by: (when: string) => `by ${when}`,
    compensation: (offer: string) => `To make up for it, we would like to offer you: ${offer}.`,
    warning:
      'If anything like this ever happens again, you will hear it from us first, straight away, before you have to notice it.',
    meet: 'I would like to talk it through with you in person. Would you have time for a short meeting this week?',
    meetAt: (when: string) =>
      `I would like to talk it through with you in person, as planned on ${when}.`,
    greetingPerson: (name: string) => `Dear ${name},`,
    subjectUpdate: (client: string) => `${client}: an update on what we promised`,
    afterAccepted:
      'Thank you for giving us the chance to put things right. Here is where we stand on what we promised you.',
    afterAcceptedPending:
      'Thank you for giving us the chance to put things right. Here is an update on what we promised you.',
    talkAgain:
      'If you would like to go through any of it together, I am glad to call or meet whenever it suits you.',
    signOff: (name: string) => `Kind regards,\n${name}`,
    posted: (who: string) => `:envelope: ${who} drafted a message to the client. Please review it:`,
    mailto: 'Open it in your mail app',
    mailtoClipped: 'Open it in your mail app (shortened: copy the full text from above)',
    sent: 'Mark as sent',
    sentLine: (who: string) => `:outbox_tray: ${who} sent the message to the client.`,
    markedOne: (step: string) => ` Marked done: ${step}.`,
    markedMany: (steps: string) => ` Marked done: ${steps}.`,
    and: 'and',
    noOutline: 'Write the outline first: the message is built from it.',
  },
  invite: {
    fixTitle: (client: string) => `Meeting with ${client} to show the fix`,
    title: (client: string) => `Meeting with ${client}`,
    comment: (url: string) =>
      `:calendar: The invite to forward to the client (open it to add it to a calendar), or <${url}|add it to Google Calendar>. If the meeting moves, the new invite replaces this one.`,
  },
  digest: {
    owner: 'Owner',
    intro: (n: number) =>
      `:sunrise: Good morning. ${n} recovery cases need you today; the most pressing step of each is below. Their threads won’t mention you this morning.`,
  },
  shared: {
    withdrawn:
      ':lock: This recovery case is no longer shown here: this channel is shared with people outside the company. Its owner can move it to an internal channel.',
    ownerNote: (channel: string, client: string) =>
      `:lock: ${channel} is shared with people outside your company, so Amends stopped posting the recovery case for ${client} there and hid its message. Move it to an internal channel:`,
    ownerWaiting: (channel: string, client: string) =>
      `:lock: ${channel} is shared with people outside your company, so the recovery case for ${client} is saved but not posted there. Move it to an internal channel:`,
    /** The case waits: Slack could not say whether the channel is shared outside the company. */
    unknown:
      ':hourglass: Your case is saved, but Amends has not posted it yet: Slack did not confirm that this channel is internal, and a recovery case never goes where the client might read it. Amends keeps checking and posts it as soon as Slack confirms.',
    notPosted:
      ':lock: This channel is shared with people outside your company, so Amends did not post the case here. It is saved: choose an internal channel for it.',
    movedTo: (channel: string) =>
      `:lock: This channel is shared with people outside your company, so Amends opened the case in ${channel} instead, and noted this channel as where you talk with the client.`,
    moveButton: 'Move the case',
    moveTitle: 'Move the case',
    moveSubmit: 'Move',
    moveChannel: 'Internal channel',
    moveHint: 'Only channels not shared outside the company. Invite Amends there first.',
    targetShared: 'That channel is shared outside the company too. Pick an internal one.',
    clientChannel: (channel: string) => `We talk with the client in ${channel}`,
  },
  report: {
    title: (scope: string) => `Outcomes of the last 90 days: ${scope}`,
    heading: 'Outcomes of the last 90 days',
    about: (scope: string) =>
      `For ${scope}: cases opened in these 90 days, cases decided in them (whenever opened), and cases open now.`,
    scopeChannel: (channel: string) => `the cases of ${channel}`,
    scopeAll: 'the whole workspace',
    counts: (
      opened: number,
      won: number,
      lost: number,
      closed: number,
      open: number,
      refused: number,
    ) =>
      `*${opened}* ${opened === 1 ? 'case' : 'cases'} opened. Decided in these 90 days: ${won} won back, ${lost} lost, ${closed} closed otherwise. Open now: ${open}${refused ? `, of which ${refused} refused (the team keeps trying)` : ''}.`,
    lostTitle: 'Lost in these 90 days',
    refusedTitle: 'Refused by the client, still being won back',
    lostLine: (
      ref: string,
      client: string,
      owner: string,
      channel: string,
      when: string,
      reason: string,
    ) =>
      `• ${ref} *${client}*, owner ${owner}, ${channel} · lost: ${when}${reason ? ` · why: ${reason}` : ''}`,
    refusedLine: (ref: string, client: string, owner: string, channel: string, when: string) =>
      `• ${ref} *${client}*, owner ${owner}, ${channel} · refused: ${when}`,
    ownUp: (median: string, p90: string, n: number) =>
      `Time to own up: median ${median}, 90th percentile ${p90} (from ${cases(n)}).`,
    meeting: (median: string, n: number) =>
      `Time to the meeting: median ${median} (from ${cases(n)}).`,
    ownUpNone: 'Time to own up: no case owned up yet.',
    meetingNone: 'Time to the meeting: no meeting booked yet.',
    noData: 'no data yet',
    apology: (pct: string, hits: number, n: number) =>
      `Apologised: ${pct} (${hits} of ${cases(n)}).`,
    compensation: (pct: string, hits: number, n: number) =>
      `Compensated: ${pct} (${hits} of ${cases(n)}).`,
    winBackTitle: 'Won back, among decided cases:',
    both: 'apology and compensation',
    apologyOnly: 'apology only',
    compensationOnly: 'compensation only',
    neither: 'neither',
    line: (label: string, pct: string, hits: number, n: number) =>
      `• ${label}: ${pct} (${hits} of ${n})`,
    research:
      'For comparison: in research, compensation alone satisfied about 37% of clients; with an apology, 74%.',
    learningTitle: 'What past cases teach (last 365 days)',
    repeatClients: (list: string) => `Clients with more than one case: ${list}.`,
    noRepeat: 'No client had more than one case.',
    trouble: 'Steps most often overdue or skipped:',
    troubleLine: (step: string, overdue: number, n: number, skipped: number) =>
      `• ${step}: overdue in ${overdue} of ${cases(n)}, skipped ${skipped === 1 ? 'once' : `${skipped} times`}`,
    changesNotDone: (hits: number, n: number) =>
      `Corrective changes promised but not done: ${hits} of ${n} ended ${n === 1 ? 'case' : 'cases'}.`,
    followUps: (recorded: number, missed: number, n: number) =>
      `Follow-ups after the answer: ${recorded} recorded, ${missed} missed (dates passed with nothing recorded), in ${cases(n)}.`,
    ownUpSpeed: 'Won back, by how soon the client was told:',
    within24h: 'within 24 h',
    later: 'later',
    never: 'never told',
    empty:
      'No cases in this period yet. Open one with `/incident Client: what happened`; the figures fill in as cases are decided.',
    exportAdminsOnly:
      'Only workspace admins can export every case (it includes cases from private channels). Ask an admin, or use `/incident report`.',
    exportReady:
      'The export of this workspace’s cases: one row per case (cases), and every event of each case (timeline), both CSV.',
    exportFailed:
      'Slack did not take the export file just now, so nothing was sent. Nothing changed: please try again in a minute.',
    exportAdminCheckFailed:
      'Amends could not check with Slack whether you are a workspace admin, so nothing was exported. Please try again in a minute.',
  },
  language: {
    set: (name: string) => `Done: Amends will speak ${name} to you from now on.`,
    current: (name: string, choices: string) =>
      `Amends speaks ${name} to you. To change it, type \`/incident language\` and one of: ${choices}.`,
    unknown: (choices: string) =>
      `Amends does not speak that language yet. Choose one of: ${choices}.`,
  },
  help: [
    '*Amends* walks your team through winning a client back after a mistake.',
    '• `/incident Client: what happened` opens a recovery case here.',
    '• `/incident` opens a form with severity, owner and due time.',
    '• `/incident list` shows the open cases of this channel and your own.',
    '• `/incident report` (or `report all`) shows privately how your cases turned out.',
    '• `/incident export` sends workspace admins a CSV of every case.',
    '• `/incident language el` sets the language Amends speaks to you (en, it, el, ca).',
    '• `/incident help` shows this message.',
    'The case lives in the thread of its message: use the buttons there to mark steps done, snooze them, and record the client’s answer.',
  ].join('\n'),
  home: {
    title: 'Amends',
    intro: 'Type `/incident Client: what happened` in any channel Amends is in to open a case.',
    yourSteps: 'Your open steps',
    noSteps:
      'Nothing waits for you. When you own a case, its next steps show up here, most urgent first, with their buttons.',
    teamCases: 'The team’s open cases',
    firstCase:
      '*No open cases.* When a mistake hurts a client, open a case right away: Amends posts a checklist in the channel (own up, outline, meet, apologise, compensate, report the changes) and nudges the owner through it, calmly.',
    caseLine: (link: string, client: string, owner: string, next: string, age: string) =>
      `• ${link} *${client}*, owner ${owner}: ${next} · opened ${age} ago`,
    stalled: ':pause_button: stalled',
    refused: 'the client refused: keep trying',
    more: (n: number) => `…and ${n} more`,
    newCase: 'New case',
    language: 'Language',
    channel: 'Channel',
    channelHint: 'Where the case is posted: an internal channel Amends is in.',
    empty: 'You own no open recovery cases.',
  },

  errors: {
    cannot_undo: 'That can’t be undone any more; nothing changed.',
    same_case:
      'You opened a case with these same words a few minutes ago, so Amends did not open a second one. To open another case for this client, describe what happened differently.',
    changes_open:
      'Some corrective changes are still open: mark each one done, or drop it with a reason.',
    case_not_found: 'That case does not exist in this workspace.',
    step_not_found: 'That step is not part of this case.',
    stale_action:
      'Nothing changed: the case had moved on since this button was drawn (a second click on the same button does this too). The case message shows where it stands.',
    already_done: 'Already done; nothing changed.',
    case_closed: 'This case is closed; nothing changed.',
    not_optional: 'This step is part of the method and cannot be skipped.',
    reason_required: 'Please give a reason.',
    invalid_transition: 'That does not fit the case as it stands; nothing changed.',
    invalid_input: 'Please check what you typed.',
    duplicate_request: 'Already received; nothing changed.',
    unknown: (id: string) =>
      `Something went wrong on our side, so this was not saved; please try again. Quote ${id} if you contact us.`,
    /** A saved case not in its channel yet (errors.ts notShown): what happened, what Amends does. */
    notShown: {
      busy: 'Slack is busy right now, so the case is not in the channel yet. It is saved: Amends tries again every minute and posts it as soon as Slack lets it.',
      silent:
        'Slack did not answer just now, so the case is not in the channel yet. It is saved: Amends tries again every minute and posts it as soon as Slack answers.',
      later:
        'The case is saved, but it is not in the channel yet. Amends tries again every minute and posts it as soon as it can.',
      storage:
        'The case was saved, but then Amends could not write to its storage, so posting it is not finished. Amends tries again every minute and finishes on its own.',
      blocked:
        'The case is saved, but Slack does not let Amends post in that channel (it may be archived, or posting there may be restricted). Once Amends can post there again, type `/incident list` in the channel to post it.',
      access:
        'The case is saved, but Slack refused Amends access to this workspace, so it is not in the channel. A workspace admin may need to reinstall Amends; the case is posted once access works again.',
    },
    notInChannel:
      'The case is saved, but Amends is not in this channel yet. Type `/invite @Amends`, then `/incident list` to post it here.',
    /** A form that did not open (errors.ts formFailed): nothing changed. */
    form: {
      busy: 'Slack is busy right now, so the form did not open. Nothing changed; please try again in a minute.',
      silent: 'Slack did not answer, so the form did not open. Nothing changed; please try again.',
      failed: 'The form could not open just now. Nothing changed; please try again.',
    },
    notSaved:
      'Amends couldn’t save this just now (its storage is unavailable), so nothing changed. Please try again in a moment.',
    busy: 'Amends is busy right now and did not take this; nothing was saved. Please try again in a minute.',
    field: {
      meeting_unchanged:
        'That is the time already booked: pick another day or time to move the meeting.',
      owner: 'Pick a person to own the case, not Amends itself.',
      due_time_without_date: 'Pick a day for that time, or clear the time.',
      offer_empty: 'Please write what you are offering the client (a refund, a credit, an extra).',
      note_empty: 'Please write what you did: a line is enough.',
      draft_subject: 'Give the message a subject (200 characters at most).',
      draft_body: 'Write the message (3,000 characters at most).',
      change_what: 'Say what changes, e.g. a second quality check before shipping.',
      change_too_long: 'Keep the change short (300 characters at most).',
      change_by_past: 'The date must be in the future.',
      too_many_changes: 'A case holds at most 10 changes.',
      change_not_found: 'That change is not part of this case.',
      channel: 'Pick an internal channel for the case.',
      channel_shared: 'That channel is shared outside the company. Pick an internal one.',
      client: 'Give the client’s name, e.g. `/incident Acme Corp: shipped the wrong pallets`.',
      summary:
        'Say what happened after the colon, e.g. `/incident Acme Corp: shipped the wrong pallets`.',
      client_too_long: 'The client name is too long (150 characters at most).',
      summary_too_long: 'What happened is too long (4,000 characters at most).',
      due_in_past: 'The due time must be in the future.',
      client_email: 'That email address does not look right: write it as name@example.com.',
      client_tz:
        'Unknown time zone: write it as Region/City, e.g. America/New_York or Europe/Rome.',
      client_lang: 'Pick one of the languages offered.',
      client_contact_too_long: 'The contact’s name is too long (150 characters at most).',
      client_place_too_long: 'The place is too long (300 characters at most).',
      client_pick: 'That client is no longer on record: type the name instead.',
      meeting_place_too_long: 'The place is too long (300 characters at most).',
      meeting_length: 'Pick how long the meeting lasts.',
      meeting_in_past: 'The meeting must be in the future.',
      meeting_date: 'Pick the meeting’s date and time.',
      reason_too_long: 'The reason is too long (2,000 characters at most).',
      lost_reason: 'The outcome is Lost, so a reason is required: say why the client was lost.',
      note_too_long: 'That is too long (2,000 characters at most).',
      outline: 'Fill in every part of the outline.',
      outline_too_long: 'Keep this part of the outline shorter (3,000 characters at most).',
      outline_summary_too_long: 'Two sentences are enough here (600 characters at most).',
      value:
        'That button could not be read; nothing changed. Use the buttons on the latest case message.',
    },
  },
  thanksOpened: 'Case opened. The checklist is in the channel.',
};

export type Catalog = typeof en;
