import { LineIndex, type Range } from '../../server/src/engine';

export interface PlainEdit {
  readonly range: Range;
  readonly newText: string;
}

/** Applies non-overlapping edits (positions refer to the original text), as an editor applies a code action. */
export function applyEdits(text: string, edits: readonly PlainEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits
    .map((edit) => ({ start: index.offsetAt(edit.range.start), end: index.offsetAt(edit.range.end), newText: edit.newText }))
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const span of spans) result = result.slice(0, span.start) + span.newText + result.slice(span.end);
  return result;
}
