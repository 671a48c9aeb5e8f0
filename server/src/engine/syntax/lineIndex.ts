/**
 * Converts between UTF-16 offsets and `{line, character}` positions.
 *
 * Lines end at `\r\n`, `\n` or a lone `\r`, the same terminators LSP and Python use, so a position computed
 * here means the same thing in the editor, in the CLI and in the parser's error recovery.
 */
export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 code unit within the line. */
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/**
 * The offset where the line holding `offset` starts (after a `\n`, a `\r\n` or a lone `\r`); with `floor`, the
 * search stops there (the result is at least `floor`: for excerpts of long lines).
 */
export function lineStartAt(text: string, offset: number, floor = 0): number {
  for (let i = Math.min(offset, text.length) - 1; i >= floor; i--) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return i + 1;
  }
  return Math.max(floor, 0);
}

/**
 * Where the line of `offset` starts when only indentation (spaces, tabs, form feeds) precedes `offset` on it; -1 when
 * something else does (`x = 1; y = 2`).
 */
export function indentationStart(text: string, offset: number): number {
  for (let i = offset; i > 0; i--) {
    const ch = text.charCodeAt(i - 1);
    if (ch === 10 || ch === 13) return i;
    if (ch !== 32 && ch !== 9 && ch !== 12) return -1;
  }
  return 0;
}

/**
 * The offset of the line break that ends the line holding `offset` (its `\r` for a `\r\n`), or the text's length
 * when the last line has none; with `ceiling`, the search stops there (the result is at most `ceiling`).
 */
export function lineEndAt(text: string, offset: number, ceiling = text.length): number {
  const end = Math.min(ceiling, text.length);
  for (let i = Math.max(offset, 0); i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10 || ch === 13) return i;
  }
  return end;
}

/** The offset just after the line break that ends the line holding `offset`; null when the text ends first. */
export function nextLineStart(text: string, offset: number): number | null {
  const end = lineEndAt(text, offset);
  if (end >= text.length) return null;
  return text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
}

/** The line break the text uses (its first one): `\n`, `\r\n` or `\r`; `\n` for a text of one line. */
export function lineBreakOf(text: string): '\n' | '\r\n' | '\r' {
  const end = lineEndAt(text, 0);
  if (end >= text.length) return '\n';
  if (text.charCodeAt(end) === 10) return '\n';
  return text.charCodeAt(end + 1) === 10 ? '\r\n' : '\r';
}

const LONE_CR = /\r(?!\n)/g;

/**
 * The text tree-sitter reads. Python ends a line at a lone `\r` too (old Mac files), but the grammar only at `\n`,
 * so a comment would run to the end of such a file. Each lone `\r` becomes `\n`: the length is the same, so every
 * UTF-16 offset of the view is an offset of the text.
 */
export function parserView(text: string): string {
  return text.includes('\r') ? text.replace(LONE_CR, '\n') : text;
}

export class LineIndex {
  /** Offset of the first character of each line (a typed array: made anew after every keystroke, at its exact size). */
  private readonly lineStarts: Int32Array;

  /** Whether the text has a `\r` (then lines may end at `\r\n` or a lone `\r`). */
  readonly hasCarriageReturn: boolean;

  /**
   * The index of `text`, made from `before`, the index of the text before one edit that replaced the UTF-16 range
   * `[from, to)` with `inserted`: the line starts before the edit are kept, those after it shifted, and only
   * `inserted` is searched for line ends (a keystroke in a 6k-line file does not scan the whole text again). Only
   * for text without `\r` (a `\r` changes how the line ends around it read); otherwise a fresh index.
   */
  static afterEdit(before: LineIndex, text: string, from: number, to: number, inserted: string): LineIndex {
    if (before.hasCarriageReturn || inserted.includes('\r')) return new LineIndex(text);
    const old = before.lineStarts;
    // Lines starting at or before `from` are unchanged; those starting after `to` move by the edit's length change.
    const kept = before.positionAt(from).line + 1;
    let after = before.positionAt(to).line + 1;
    const delta = inserted.length - (to - from);
    let added = 0;
    for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) added++;
    const starts = new Int32Array(kept + added + old.length - after);
    starts.set(old.subarray(0, kept));
    let at = kept;
    for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) starts[at++] = from + i + 1;
    for (; after < old.length; after++) starts[at++] = old[after]! + delta;
    return new LineIndex(text, starts);
  }

  constructor(
    private readonly text: string,
    /** The line starts, when the caller already knows them (`afterEdit`; text without `\r`). */
    lineStarts?: Int32Array,
  ) {
    if (lineStarts) {
      this.hasCarriageReturn = false;
      this.lineStarts = lineStarts;
      return;
    }
    const starts = [0];
    this.hasCarriageReturn = text.includes('\r');
    if (!this.hasCarriageReturn) {
      // The common case, with the engine's own search for `\n` (much faster than a loop over every character).
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = Int32Array.from(starts);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10 /* \n */) {
        starts.push(i + 1);
      } else if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = Int32Array.from(starts);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /**
   * The position of a UTF-16 offset (clamped to the text). An offset between the `\r` and the `\n` of a line end is
   * the end of that line: no position lies inside a line terminator (tree-sitter's comments, for one, end after the
   * `\r` of a `\r\n`, and a range ending there would point past its line's end).
   */
  positionAt(offset: number): Position {
    let clamped = Math.max(0, Math.min(offset, this.text.length));
    if (this.hasCarriageReturn && clamped > 0 && this.text.charCodeAt(clamped) === 10 && this.text.charCodeAt(clamped - 1) === 13) clamped--;
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low]! };
  }

  /** The offset of a position; characters past the end of a line clamp to the line's end (as LSP requires). */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line]!;
    const end = this.lineContentEnd(position.line);
    return Math.max(start, Math.min(start + position.character, end));
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
  }

  /** Offset just before the line terminator of `line`. */
  lineContentEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! : this.text.length;
    let end = next;
    if (end > this.lineStarts[line]! && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.lineStarts[line]! && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineContentEnd(line));
  }
}
