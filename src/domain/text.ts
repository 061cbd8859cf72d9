/**
 * Why a text given from outside cannot be stored as given, or null when it can: PostgreSQL
 * text cannot hold U+0000, and a lone UTF-16 surrogate has no UTF-8 form (it would be stored
 * as U+FFFD, so two different texts would become one). Every store refuses the same texts.
 */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain U+0000 (the NUL character)";
  if (!text.isWellFormed()) return "must not contain a lone surrogate (U+D800 to U+DFFF)";
  return null;
}
