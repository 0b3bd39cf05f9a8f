/**
 * What a run that died leaves in the store, planted through the repositories' own methods instead
 * of rewriting rows: the write a crash would have skipped is skipped (on either engine).
 */
import { vi } from 'vitest';
import { CaseRepo } from '../../src/store/caseRepo.js';
import { LineRepo } from '../../src/store/lineRepo.js';

/**
 * Until the returned function is called, no first reply's ts is recorded: as if the process died
 * before its hints of what Slack shows were written (src/services/shownHints.ts).
 */
export function loseFirstReplyHints(): () => void {
  const spy = vi.spyOn(CaseRepo.prototype, 'setFirstReply').mockResolvedValue(undefined);
  return () => spy.mockRestore();
}

/**
 * The next invite file Slack takes is not recorded: the run dies between the upload and writing
 * the line as sent (the line stays pending). Returns the function that puts the store back.
 */
export function dieAfterNextInviteUpload(): () => void {
  const markSent = LineRepo.prototype.markSent;
  let died = false;
  const spy = vi.spyOn(LineRepo.prototype, 'markSent').mockImplementation(async function (
    this: LineRepo,
    id: number,
    ts: string,
  ) {
    if (!died && ts.startsWith('file:')) {
      died = true;
      throw new Error('the run died after the upload');
    }
    return markSent.call(this, id, ts);
  });
  return () => spy.mockRestore();
}
