import http from 'node:http';
import https from 'node:https';
import type { webApi } from '@slack/bolt';

/** A file made in pieces (the export's pages), `length` bytes in all. */
export interface FilePieces {
  readonly pieces: readonly Buffer[];
  readonly length: number;
}

/** The upload URL answered something other than 200: Slack did not take the bytes. */
export class UploadRefused extends Error {
  constructor(readonly status: number) {
    super(`the upload URL answered HTTP ${status}`);
    this.name = 'UploadRefused';
  }
}

/** How long the bytes may take to reach Slack's upload URL. */
const UPLOAD_MS = 60_000;

/**
 * Shares files in one message as files.uploadV2 does (getUploadURLExternal per file, then one
 * completeUploadExternal), but sends the bytes raw, piece by piece: uploadV2 copies and encodes a
 * large file in long synchronous steps that hold the event loop, and Slack takes raw bytes too.
 */
export async function shareFiles(
  client: webApi.WebClient,
  files: readonly (FilePieces & { readonly filename: string; readonly title: string })[],
  o: { readonly channelId: string; readonly comment: string },
): Promise<void> {
  const done: { id: string; title: string }[] = [];
  for (const file of files) {
    const { upload_url: url, file_id: id } = await client.files.getUploadURLExternal({
      filename: file.filename,
      length: file.length,
    });
    if (!url || !id) throw new Error('files.getUploadURLExternal gave no upload URL');
    await postPieces(url, file);
    done.push({ id, title: file.title });
  }
  await client.files.completeUploadExternal({
    files: done as [{ id: string; title: string }, ...{ id: string; title: string }[]],
    channel_id: o.channelId,
    initial_comment: o.comment,
  });
}

/** One file shared in a channel (see shareFiles). */
export function shareFile(
  client: webApi.WebClient,
  file: FilePieces,
  o: {
    readonly channelId: string;
    readonly filename: string;
    readonly title: string;
    readonly comment: string;
  },
): Promise<void> {
  return shareFiles(client, [{ ...file, filename: o.filename, title: o.title }], o);
}

/** POSTs the pieces as the request body (its length given up front), waiting when the socket is full. */
function postPieces(url: string, file: FilePieces): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const target = new URL(url);
    const req = (target.protocol === 'https:' ? https : http).request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': file.length,
        },
        signal: AbortSignal.timeout(UPLOAD_MS),
      },
      (res) => {
        res.resume();
        res.on('error', reject);
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new UploadRefused(res.statusCode ?? 0)),
        );
      },
    );
    req.on('error', reject);
    // One piece a turn of the event loop: a write the kernel takes at once calls back in the same
    // turn, and a loop of those would hold the event loop until the socket's buffer is full.
    let i = 0;
    const write = () => {
      if (i === file.pieces.length) {
        req.end();
        return;
      }
      if (req.write(file.pieces[i++] as Buffer)) setImmediate(write);
      else req.once('drain', () => setImmediate(write));
    };
    write();
  });
}
