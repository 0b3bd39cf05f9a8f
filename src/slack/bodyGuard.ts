import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, isRawBodyError } from '@slack/bolt';

/**
 * Reads a request to Slack's endpoint before Bolt's receiver does, for the one case Bolt 5.1 does
 * not survive: a properly signed body that parses to `null` (`payload=null`, a JSON `null`) makes
 * its receiver throw outside any handler, and the request hangs. Such a body gets a 400 here (a 401
 * when it is not properly signed, as Bolt would answer); anything else goes on to Bolt with its
 * body already read (Bolt accepts a buffered request and does not read the stream again).
 * Resolves true when Bolt should handle the request.
 */
export async function guardBody(
  req: IncomingMessage,
  res: ServerResponse,
  o: { signingSecret: string; bodyLimit?: number },
): Promise<boolean> {
  const limit = o.bodyLimit ?? HTTPModuleFunctions.defaultBodyLimit;
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.bufferIncomingMessage>>;
  try {
    buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, limit);
  } catch (e) {
    const tooLarge = isRawBodyError(e) && (e.type === 'entity.too.large' || e.statusCode === 413);
    HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 400);
    return false;
  }
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    return true; // unparseable: Bolt answers it (401 unsigned, 400 signed)
  }
  if (body !== null) return true; // any other shape is refused after Bolt's checks (gate.ts)
  try {
    await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
      { enabled: true, signingSecret: o.signingSecret, bodyLimit: limit },
      buffered,
    );
  } catch {
    HTTPModuleFunctions.buildNoBodyResponse(res, 401);
    return false;
  }
  HTTPModuleFunctions.buildNoBodyResponse(res, 400);
  return false;
}
