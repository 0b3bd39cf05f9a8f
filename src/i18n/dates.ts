/**
 * The day of the month a date text starts with, for the languages whose article or preposition
 * changes before some numbers (Italian "l’8 dicembre", Catalan "l’11 de desembre"): a date spelled
 * out as a letter writes it ("8 dicembre 2026"), or a Slack date token, read from its ISO fallback
 * (`<!date^…|2026-12-08…>`, see slack/blocks/format.ts). Null when the text starts with neither.
 */
export function dayOfMonth(text: string): number | null {
  const token = /^<!date\^\d+\^[^|>]*\|\d{4}-\d{2}-(\d{2})/.exec(text);
  if (token) return Number(token[1]);
  const spelled = /^(\d{1,2})(?!\d)/.exec(text);
  return spelled ? Number(spelled[1]) : null;
}
