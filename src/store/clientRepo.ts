import type { Client, ClientDetails } from '../domain/client.js';
import type { ClientStore } from '../services/ports.js';
import type { Conn, Param } from './sql.js';

interface ClientRow {
  id: number;
  team_id: string;
  key: string;
  name: string;
  contact: string | null;
  email: string | null;
  tz: string | null;
  lang: string | null;
  place: string | null;
  updated_at: number;
}

const COLUMNS = 'id, team_id, key, name, contact, email, tz, lang, place, updated_at';
const GET = `SELECT ${COLUMNS} FROM clients WHERE team_id = ? AND id = ?`;
const BY_KEY = `SELECT ${COLUMNS} FROM clients WHERE team_id = ? AND key = ?`;
const LIST = `SELECT ${COLUMNS} FROM clients WHERE team_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?`;
/**
 * One statement, no read first: a detail given (not null) replaces the stored one, a null keeps
 * it. Two processes saving the same new client at once: one inserts, the other updates that row.
 * Without its RETURNING (CaseRepo.insert saves a case's client in its own statement). Parameters:
 * clientParams.
 */
export const UPSERT_CLIENT = `INSERT INTO clients (team_id, key, name, contact, email, tz, lang, place, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (team_id, key) DO UPDATE SET name = excluded.name,
    contact = COALESCE(excluded.contact, clients.contact),
    email = COALESCE(excluded.email, clients.email),
    tz = COALESCE(excluded.tz, clients.tz),
    lang = COALESCE(excluded.lang, clients.lang),
    place = COALESCE(excluded.place, clients.place),
    updated_at = excluded.updated_at`;
const SAVE = `${UPSERT_CLIENT} RETURNING ${COLUMNS}`;

/** UPSERT_CLIENT's parameters. */
export function clientParams(
  teamId: string,
  key: string,
  name: string,
  d: ClientDetails,
  now: Date,
): Param[] {
  const t = now.getTime();
  return [teamId, key, name, d.contact, d.email, d.tz, d.lang, d.place, t, t];
}

const toClient = (r: ClientRow): Client => ({
  id: r.id,
  teamId: r.team_id,
  key: r.key,
  name: r.name,
  contact: r.contact,
  email: r.email,
  tz: r.tz,
  lang: r.lang,
  place: r.place,
  updatedAt: new Date(r.updated_at),
});

/** The client records of every workspace (see ClientStore). */
export class ClientRepo implements ClientStore {
  constructor(readonly conn: Conn) {}

  async get(teamId: string, id: number): Promise<Client | null> {
    const r = await this.conn.get<ClientRow>(GET, [teamId, id]);
    return r ? toClient(r) : null;
  }

  async byKey(teamId: string, key: string): Promise<Client | null> {
    const r = await this.conn.get<ClientRow>(BY_KEY, [teamId, key]);
    return r ? toClient(r) : null;
  }

  async list(teamId: string, limit: number): Promise<Client[]> {
    return (await this.conn.all<ClientRow>(LIST, [teamId, limit])).map(toClient);
  }

  async save(
    teamId: string,
    key: string,
    name: string,
    d: ClientDetails,
    now: Date,
  ): Promise<Client> {
    const r = await this.conn.get<ClientRow>(SAVE, clientParams(teamId, key, name, d, now));
    if (!r) throw new Error('client not saved');
    return toClient(r);
  }
}
