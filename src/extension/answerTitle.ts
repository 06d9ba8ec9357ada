// The name an answer document is given (the question, made a safe file name) and the line that
// says where a selection asked about came from. Pure, unit-tested.

const TITLE_MAX = 60;

/** A file name for the question: one line, no characters a file system refuses, at most 60 characters. */
export function answerTitle(question: string): string {
  const cleaned = question
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|#%`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[. ]+$/, '');
  const cut = cleaned.length > TITLE_MAX ? `${cleaned.slice(0, TITLE_MAX - 1).trimEnd()}…` : cleaned;
  return cut === '' ? 'Answer' : cut;
}

/** "About `src/a.ts`, lines 3–9": where a selection came from (lines 1-based; a selection ending at a line's start ends on the line before). */
export function selectionPlace(path: string, selection: { start: { line: number }; end: { line: number; character: number } }): string {
  const first = selection.start.line + 1;
  const last = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
  return last === first ? `About \`${path}\`, line ${first}` : `About \`${path}\`, lines ${first}–${last}`;
}
