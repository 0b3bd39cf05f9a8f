import type { webApi } from '@slack/bolt';

type Meta = { event_type?: string; event_payload?: Record<string, unknown> };

/**
 * The messages of a channel (conversations.history, from `oldest`) or of a thread
 * (conversations.replies of `ts`) carrying message metadata of `eventType`, page by page:
 * `keyOf` picks the key each is found under (a case id, a reminder key, a line id), ts by key.
 * This is how Amends finds again what it posted before a crash. Throws what the Web API throws.
 */
export async function postedWith<K>(
  client: webApi.WebClient,
  where: { channel: string; oldest: string } | { channel: string; ts: string },
  eventType: string,
  keyOf: (payload: Record<string, unknown>) => K | undefined,
  /** Sees every message read on the way (for what carries no metadata, such as a file share). */
  each?: (m: { ts?: string; user?: string }) => void,
): Promise<Map<K, string>> {
  const found = new Map<K, string>();
  let cursor: string | undefined;
  do {
    const page = {
      ...where,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    };
    const res =
      'ts' in where
        ? await client.conversations.replies(
            page as Parameters<typeof client.conversations.replies>[0],
          )
        : await client.conversations.history(page);
    for (const m of res.messages ?? []) {
      each?.(m);
      const meta = (m as { metadata?: Meta }).metadata;
      const key =
        meta?.event_type === eventType && meta.event_payload
          ? keyOf(meta.event_payload)
          : undefined;
      if (key !== undefined && m.ts) found.set(key, m.ts);
    }
    cursor = res.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return found;
}

/** A payload field as a number id (case_id, line_id), if it is one. */
export const numberField =
  (name: string) =>
  (p: Record<string, unknown>): number | undefined =>
    typeof p[name] === 'number' ? (p[name] as number) : undefined;
