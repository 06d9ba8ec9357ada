// The name an answer document is given: the question, made a safe file name. Pure, unit-tested.

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
