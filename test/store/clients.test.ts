/**
 * The client as a record, on both engines: found again by its name without case or accents, per
 * workspace; a case links to it and keeps each meeting's place and length; a case from before
 * client records reads as it did.
 */
import { expect, it } from 'vitest';
import { NO_DETAILS } from '../../src/domain/client.js';
import { clientKey } from '../../src/domain/outcomes.js';
import { DEFAULT_PLAYBOOK } from '../../src/domain/playbook.js';
import { openCase, recordMeeting } from '../../src/domain/recoveryCase.js';
import { openInput } from '../helpers/builders.js';
import { describeEngines } from '../helpers/postgres.js';
import { storePerTest } from './engine.js';

const T0 = new Date('2026-12-07T09:00:00Z');
const T1 = new Date('2026-12-08T09:00:00Z');
const ANNA = {
  contact: 'Anna Núñez',
  email: 'anna@ferreteria.example',
  tz: 'America/New_York',
  lang: 'ca',
  place: 'Carrer Major 1, Lleida',
};

describeEngines('client records', (engine) => {
  const s = storePerTest(engine);

  it('are saved per workspace, found again by name whatever its case or accents', async () => {
    const clients = s.store.repos.clients;
    const a = await clients.save('T1', clientKey('Ferretería Núñez'), 'Ferretería Núñez', ANNA, T0);
    expect(a).toMatchObject({
      teamId: 'T1',
      key: 'ferreteria nunez',
      name: 'Ferretería Núñez',
      ...ANNA,
    });
    // Another process reads it under any spelling of the name.
    const other = await s.another();
    expect(await other.repos.clients.byKey('T1', clientKey('FERRETERIA  NUNEZ'))).toEqual(a);
    expect(await other.repos.clients.get('T1', a.id)).toEqual(a);
    // Another workspace does not see it, and may have its own client of that name.
    expect(await clients.byKey('T2', a.key)).toBeNull();
    expect(await clients.get('T2', a.id)).toBeNull();
    const b = await clients.save('T2', a.key, 'Ferreteria Nunez', NO_DETAILS, T0);
    expect(b.id).not.toBe(a.id);

    // Saved again under the same key: the same record, updated, and listed first.
    await clients.save('T1', clientKey('Acme'), 'Acme', NO_DETAILS, T0);
    const again = await clients.save(
      'T1',
      a.key,
      'Ferreteria Nuñez',
      { ...ANNA, email: 'compres@ferreteria.example' },
      T1,
    );
    expect(again.id).toBe(a.id);
    // A detail not given (null) keeps what is stored.
    const kept = await clients.save(
      'T1',
      a.key,
      'Ferreteria Nuñez',
      { ...NO_DETAILS, tz: 'Europe/Madrid' },
      T1,
    );
    expect(kept).toMatchObject({
      ...ANNA,
      email: 'compres@ferreteria.example',
      tz: 'Europe/Madrid',
    });
    expect(again).toMatchObject({ name: 'Ferreteria Nuñez', email: 'compres@ferreteria.example' });
    expect((await clients.list('T1', 10)).map((c) => c.name)).toEqual(['Ferreteria Nuñez', 'Acme']);
    expect((await clients.list('T1', 1)).map((c) => c.name)).toEqual(['Ferreteria Nuñez']);
    expect(await clients.list('T3', 10)).toEqual([]);
  });

  /** A case linked to Acme with a meeting in Lleida for 45 minutes, and another case without a client. */
  const twoCases = async () => {
    const client = await s.store.repos.clients.save('T1', 'acme', 'Acme', ANNA, T0);
    const opened = openCase(openInput({ teamId: 'T1', client: 'Acme' }), DEFAULT_PLAYBOOK, T0);
    const linked = await s.store.repos.cases.insert(
      { ...opened, case: { ...opened.case, clientId: client.id } },
      T0,
    );
    const before = await s.store.repos.cases.insert(
      openCase(openInput({ teamId: 'T1', client: 'Beta', summary: 'other' }), DEFAULT_PLAYBOOK, T0),
      T0,
    );
    const at = new Date('2026-12-10T15:00:00Z');
    await s.store.repos.cases.update('T1', linked.id, T1, (c) => {
      const ch = recordMeeting(c, at, 'U1', DEFAULT_PLAYBOOK, T1);
      return {
        ...ch,
        case: { ...ch.case, meetings: { meeting: { place: 'Lleida', minutes: 45 } } },
      };
    });
    return { client, linked, before, at };
  };

  it('a case links to its client', async () => {
    const { client, linked } = await twoCases();
    const read = await (await s.another()).repos.cases.require('T1', linked.id);
    expect(read.clientId).toBe(client.id);
  });

  it('a case keeps its meetings’ place, length', async () => {
    const { linked, at } = await twoCases();
    const read = await (await s.another()).repos.cases.require('T1', linked.id);
    expect(read.meetingAt).toEqual(at);
    expect(read.meetings).toEqual({ meeting: { place: 'Lleida', minutes: 45 } });
  });

  it('a case without a client (as older ones) reads with neither client nor meeting details', async () => {
    const { before } = await twoCases();
    const old = await s.store.repos.cases.require('T1', before.id);
    expect(old.clientId ?? null).toBeNull();
    expect(old.meetings).toBeUndefined();
  });
});
