import { checkClientDetails } from '../../../domain/client.js';
import { DomainError } from '../../../domain/errors.js';
import { SEVERITIES, type Severity } from '../../../domain/playbook.js';
import { localToInstant } from '../../../domain/workingTime.js';
import { isLang, LANGUAGES } from '../../../i18n/index.js';
import { INPUT, isChannelId } from '../../ids.js';
import { catFor, type ListenerDeps } from '../deps.js';
import { tellInDm, toldAfterPublish } from '../tell.js';
import { detail, onSubmit, selected, text } from './submission.js';

/**
 * The new-case form (from /incident, App Home or a shortcut): the case stored, then posted in its
 * channel; the person who opened it hears by direct message when it could not be.
 */
export function openView(deps: ListenerDeps) {
  return onSubmit(deps, INPUT.client, async ({ a, team, user, meta, values: v, key }) => {
    const channelId =
      meta.channelId ?? v[INPUT.channel]?.[INPUT.channel]?.selected_conversation ?? null;
    if (!isChannelId(channelId)) throw new DomainError('invalid_input', 'channel');
    const sev = selected(v, INPUT.severity) ?? 'major';
    if (!(SEVERITIES as readonly string[]).includes(sev))
      throw new DomainError('invalid_input', 'client');
    const owner = v[INPUT.owner]?.[INPUT.owner]?.selected_user ?? user;
    // A person owns the case: never Amends itself (its nudges would go nowhere).
    if (a.context.botUserId && owner === a.context.botUserId)
      throw new DomainError('invalid_input', 'owner');
    const dueDate = v[INPUT.dueDate]?.[INPUT.dueDate]?.selected_date ?? null;
    const dueTime = v[INPUT.dueTime]?.[INPUT.dueTime]?.selected_time ?? null;
    let dueOverride: Date | null = null;
    // A time alone would be dropped without a word: ask for its day instead.
    if (dueTime && !dueDate) throw new DomainError('invalid_input', 'due_time_without_date');
    if (dueDate) {
      // Cached when the form was opened (after that ack), else the default zone.
      const { tz } = await deps.profiles.cachedOrDefault(team, user);
      dueOverride = localToInstant(dueDate, dueTime ?? '18:00', tz);
      if (!dueOverride) throw new DomainError('invalid_input', 'due_in_past');
    }
    const picked = selected(v, INPUT.language);
    if (picked && !isLang(picked)) throw new DomainError('invalid_input', 'client');
    const lang = picked && isLang(picked) ? picked : null;
    // The client: a new name typed, else the one picked from those on record.
    let clientName = text(v, INPUT.client);
    const pickedClient = selected(v, INPUT.clientPick);
    if (!clientName.trim() && pickedClient) {
      const known = /^\d{1,12}$/.test(pickedClient)
        ? await deps.cases.client(team, Number(pickedClient))
        : null;
      if (!known) throw new DomainError('invalid_input', 'client_pick');
      clientName = known.name;
    }
    // Checked before anything is stored: a bad email or zone changes nothing.
    const clientDetails = checkClientDetails(
      {
        contact: detail(v, INPUT.clientContact),
        email: detail(v, INPUT.clientEmail),
        tz: detail(v, INPUT.clientTz),
        lang: detail(v, INPUT.clientLang),
        place: detail(v, INPUT.clientPlace),
      },
      LANGUAGES,
    );
    const c = await deps.cases.open({
      teamId: team,
      channelId,
      creatorId: user,
      ...(lang ? { lang } : {}),
      clientDetails,
      client: clientName,
      summary: text(v, INPUT.summary),
      severity: sev as Severity,
      ownerId: owner,
      dueOverride,
      // Opened from a message (the message shortcut): its permalink stays on the case.
      sourceLink: meta.link ?? null,
      requestKey: key,
    });
    return async () => {
      const shown = await deps.presenter.publish(c, { keepLang: !!lang });
      const cat = await catFor(deps, team, user);
      // By direct message: a private note in the channel fails too when the bot is not in it.
      const said = toldAfterPublish(shown, { case: c, user, cat, did: 'opened', where: 'dm' });
      if (said) await tellInDm(a.client, user, said, deps.log);
    };
  });
}
