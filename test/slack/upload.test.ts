/**
 * shareFile: a file made in pieces reaches Slack's upload URL as raw bytes (its length declared up
 * front, the pieces in order), between files.getUploadURLExternal and files.completeUploadExternal.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { shareFile, UploadRefused } from '../../src/slack/upload.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

/** An upload URL answering `status`; what it received. */
async function uploadUrl(status: number): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status).end(status === 200 ? 'OK' : 'no');
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/upload/v1/abc`, received };
}

/** The two Web API methods shareFile calls, recorded. */
function client(url: string) {
  const calls: { method: string; args: unknown }[] = [];
  const c = {
    files: {
      getUploadURLExternal: async (args: unknown) => {
        calls.push({ method: 'getUploadURLExternal', args });
        return { ok: true, upload_url: url, file_id: 'F0FILE001' };
      },
      completeUploadExternal: async (args: unknown) => {
        calls.push({ method: 'completeUploadExternal', args });
        return { ok: true };
      },
    },
  };
  return { client: c as unknown as webApi.WebClient, calls };
}

const pieces = (n: number, size: number) =>
  Array.from({ length: n }, (_, i) => Buffer.alloc(size, 97 + (i % 26)));

describe('shareFile', () => {
  it('sends the pieces in order as one raw body of the declared length, then completes the upload', async () => {
    const { url, received } = await uploadUrl(200);
    const { client: c, calls } = client(url);
    // Enough bytes that the socket fills and the writes wait for it to drain.
    const parts = pieces(300, 64 * 1024);
    const length = parts.reduce((n, p) => n + p.length, 0);
    await shareFile(
      c,
      { pieces: parts, length },
      { channelId: 'D0MARIA01', filename: 'cases.csv', title: 'Cases', comment: 'Here it is' },
    );
    expect(calls).toEqual([
      { method: 'getUploadURLExternal', args: { filename: 'cases.csv', length } },
      {
        method: 'completeUploadExternal',
        args: {
          files: [{ id: 'F0FILE001', title: 'Cases' }],
          channel_id: 'D0MARIA01',
          initial_comment: 'Here it is',
        },
      },
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]?.headers['content-length']).toBe(String(length));
    expect(received[0]?.headers['transfer-encoding']).toBeUndefined();
    expect(received[0]?.body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('an upload URL that does not answer 200 fails the share before it is completed', async () => {
    const { url } = await uploadUrl(500);
    const { client: c, calls } = client(url);
    const err = await shareFile(
      c,
      { pieces: pieces(2, 10), length: 20 },
      { channelId: 'D0MARIA01', filename: 'cases.csv', title: 'Cases', comment: '' },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadRefused);
    expect((err as UploadRefused).status).toBe(500);
    expect(calls.map((x) => x.method)).toEqual(['getUploadURLExternal']);
  });
});
