/**
 * Text cut to a length for a push (pure): the summary's body (XEP-0357 §7 leaves its length to
 * the server) and what plugins prepare.
 */

/** Cuts on code points (never inside a surrogate pair). */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text; // UTF-16 units ≥ code points
  const points = Array.from(text);
  if (points.length <= maxChars) return text;
  return points.slice(0, Math.max(0, maxChars - 1)).join('') + '…';
}
