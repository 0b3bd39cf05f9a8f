/** The bytes of files: step 2 of an upload (POST to its upload URL) and url_private downloads. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeWorld } from '../world.js';
import { plain } from './respond.js';

/** Step 2 of an upload: the bytes, raw or as multipart form data (what uploadV2 sends). */
export async function receiveUpload(
  w: FakeWorld,
  key: string,
  req: IncomingMessage,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const u = w.uploads.get(w.uploadKeys.get(key) ?? '');
  if (!u) return plain(res, 404, 'not_found');
  const type = req.headers['content-type'] ?? '';
  let content = body;
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': type } }).formData();
    } catch {
      return plain(res, 400, 'invalid_form_data');
    }
    const part = [...form.values()].find(
      (v): v is Exclude<typeof v, string> => typeof v !== 'string',
    );
    if (!part) return plain(res, 400, 'no_file_data');
    content = Buffer.from(await part.arrayBuffer());
  }
  u.content = content;
  plain(res, 200, `OK - ${content.length}`, 'text/plain; charset=utf-8');
}

/** A completed file's bytes; url_private needs the token, as in Slack. */
export function serveFile(w: FakeWorld, id: string, req: IncomingMessage, res: ServerResponse) {
  const f = w.files.find((x) => x.id === id);
  if (!f || !/^Bearer\s+\S+/i.test(req.headers.authorization ?? ''))
    return plain(res, 404, 'not_found');
  res.writeHead(200, { 'content-type': f.mimetype, 'content-length': f.content.length });
  res.end(f.content);
}
