/**
 * What the sandbox keeps beside its database: the fake Slack's state (its messages live in memory)
 * and the key that seals its installations.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { OffsetClock } from '../domain/clock.js';
import type { ChannelSharing, FakeSlack, StoredFile, StoredMessage } from './fakeSlack.js';
import { isObject } from './http.js';
import { ALL_CHANNELS } from './people.js';

/**
 * A page-side ephemeral: from chat.postEphemeral, or a `respond()` to a response_url. Its `id` is
 * how the page names it in a click (Slack knows it by its channel and ts; ours are not unique).
 */
export interface PageEphemeral {
  id: string;
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export const ephemeralId = () => `eph-${randomBytes(6).toString('hex')}`;

/** Deletes the database and everything kept beside it (Reset). */
export function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal', SLACK_STATE, SANDBOX_KEY])
    rmSync(path + suffix, { force: true });
}

/**
 * The key that seals the sandbox's installations (its bot runs in OAuth mode, tokens encrypted at
 * rest like anywhere else): the sandbox's own, made on first use and kept beside its database
 * (owner-only), never read from the environment. Reset deletes it with the database.
 */
const SANDBOX_KEY = '.key';
export function sandboxKey(dbPath: string): { key: Buffer; made: boolean } {
  const file = dbPath + SANDBOX_KEY;
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return { key, made: false };
  } catch {
    // none yet
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, made: true };
}

/**
 * The fake Slack's messages live in memory; they are saved beside the database so a restarted
 * sandbox shows the same channel its database describes, at the sandbox time it had reached.
 */
const SLACK_STATE = '.slack.json';
interface SavedSlack {
  readonly version: 1;
  readonly now: string;
  readonly messages: StoredMessage[];
  readonly ephemerals: PageEphemeral[];
  /** Uploaded files, their bytes in base64 (absent in files saved before there were uploads). */
  readonly files?: (Omit<StoredFile, 'content'> & { content: string })[];
  /** Channels shared with the client. */
  readonly shared?: Record<string, ChannelSharing>;
}

export function loadSlack(dbPath: string): SavedSlack | null {
  try {
    const raw: unknown = JSON.parse(readFileSync(dbPath + SLACK_STATE, 'utf8'));
    if (
      isObject(raw) &&
      raw.version === 1 &&
      typeof raw.now === 'string' &&
      !Number.isNaN(Date.parse(raw.now)) &&
      Array.isArray(raw.messages) &&
      Array.isArray(raw.ephemerals)
    )
      return raw as unknown as SavedSlack;
  } catch {
    // missing or unreadable: start over
  }
  return null;
}

export function saveSlack(
  dbPath: string,
  w: { clock: OffsetClock; fake: FakeSlack; ephemerals: PageEphemeral[] },
) {
  const saved: SavedSlack = {
    version: 1,
    now: w.clock.now().toISOString(),
    messages: w.fake.messages,
    ephemerals: w.ephemerals,
    files: w.fake.files.map((f) => ({ ...f, content: f.content.toString('base64') })),
    shared: Object.fromEntries(
      ALL_CHANNELS.map((c) => [c.id, w.fake.sharingOf(c.id)]).filter(([, how]) => how !== 'none'),
    ),
  };
  const tmp = `${dbPath}${SLACK_STATE}.tmp`;
  writeFileSync(tmp, JSON.stringify(saved));
  renameSync(tmp, dbPath + SLACK_STATE);
}
