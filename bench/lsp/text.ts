import type { TextEdit } from '../typing';

/** A zero-based line and UTF-16 column: what LSP positions and tree-sitter points both are for a JS string. */
export interface Point {
  readonly row: number;
  readonly column: number;
}

/**
 * The start offset of every line of a text that changes edit by edit (lines end at `\n` only: the generated
 * texts are checked to hold no `\r`). Offsets → positions by binary search; an edit splices the line starts in
 * place, so a 50k-line file costs O(lines) per edit, not a rescan of its 2 MB.
 */
export class LineMap {
  private starts: number[];

  constructor(text: string) {
    if (text.includes('\r')) throw new Error('LineMap: texts with \\r are not supported (normalise them first)');
    this.starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  pointAt(offset: number): Point {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { row: low, column: offset - this.starts[low]! };
  }

  /** Replaces `[start, end)` with `text` in the map (the caller splices the string itself). */
  apply(start: number, end: number, text: string): void {
    const delta = text.length - (end - start);
    const added: number[] = [];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) added.push(start + i + 1);
    // Line starts inside (start, end] belonged to removed text; later ones shift.
    let first = this.starts.length;
    for (let i = 1; i < this.starts.length; i++) {
      if (this.starts[i]! > start) {
        first = i;
        break;
      }
    }
    let last = first;
    while (last < this.starts.length && this.starts[last]! <= end) last++;
    const tail = this.starts.slice(last).map((offset) => offset + delta);
    this.starts = [...this.starts.slice(0, first), ...added, ...tail];
  }
}

/** One edit with everything both sides need: LSP range (old text) and tree-sitter's before/after points. */
export interface PlacedEdit extends TextEdit {
  readonly startPoint: Point;
  readonly oldEndPoint: Point;
  readonly newEndPoint: Point;
}

/**
 * Places a script of edits over a text: each edit with its LSP start/end (in the text before it) and
 * tree-sitter's new end point. Computed once, so the server and the bare-reparse floor see identical edits.
 * The texts themselves are not kept (300 copies of a 2 MB file would be 600 MB): callers splice as they go.
 */
export function placeEdits(text: string, edits: readonly TextEdit[]): PlacedEdit[] {
  const map = new LineMap(text);
  return edits.map((edit) => {
    const startPoint = map.pointAt(edit.start);
    const oldEndPoint = map.pointAt(edit.end);
    map.apply(edit.start, edit.end, edit.text);
    return { ...edit, startPoint, oldEndPoint, newEndPoint: map.pointAt(edit.start + edit.text.length) };
  });
}

export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

/** mulberry32: a tiny seeded PRNG, so every run types the same chaos. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What the chaos typist inserts, with weights: quotes, brackets (mostly unbalanced), newlines, the odd triple
 * quote and colon. Each piece lands at a uniformly random offset of the current text, and nothing is ever
 * removed, so syntax errors pile up edit after edit (a triple quote can turn the rest of the file into a string).
 */
const CHAOS_PIECES: ReadonlyArray<readonly [string, number]> = [
  ['"', 12],
  ["'", 12],
  ['(', 10],
  [')', 8],
  ['[', 8],
  [']', 6],
  ['{', 6],
  ['}', 4],
  ['\n', 20],
  ['"""', 4],
  [':', 5],
  [' ', 5],
];

export function chaosScript(text: string, count: number, seed: number): TextEdit[] {
  const next = random(seed);
  const total = CHAOS_PIECES.reduce((sum, [, weight]) => sum + weight, 0);
  const edits: TextEdit[] = [];
  let current = text;
  for (let i = 0; i < count; i++) {
    let pick = next() * total;
    let piece = CHAOS_PIECES[0]![0];
    for (const [candidate, weight] of CHAOS_PIECES) {
      pick -= weight;
      if (pick < 0) {
        piece = candidate;
        break;
      }
    }
    let at = Math.floor(next() * (current.length + 1));
    // Never split a surrogate pair: LSP would carry it, but a lone surrogate is not what an editor produces.
    const code = current.charCodeAt(at);
    if (at > 0 && code >= 0xdc00 && code <= 0xdfff) at--;
    edits.push({ start: at, end: at, text: piece });
    current = current.slice(0, at) + piece + current.slice(at);
  }
  return edits;
}

/**
 * Where a file may be cut: before a `def`, `class` or decorator at the top level or directly in a class body
 * (four spaces), not between a decorator and what it decorates. Cutting there leaves valid Python.
 */
function cutPoints(text: string): Array<{ offset: number; line: number; indent: number }> {
  const cuts: Array<{ offset: number; line: number; indent: number }> = [];
  const lines = text.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = /^( {4})?(def |class |async def |@)/.exec(line);
    const previous = i > 0 ? lines[i - 1]!.trimStart() : '';
    if (match && !previous.startsWith('@')) cuts.push({ offset, line: i, indent: match[1] ? 4 : 0 });
    offset += line.length + 1;
  }
  return cuts;
}

/** The cut nearest `lines` lines (or the whole text if there is none). */
function cutNear(text: string, lines: number): { offset: number; indent: number } {
  let best = { offset: text.length, indent: 0 };
  let bestDistance = Math.abs(lineCount(text) - lines);
  for (const cut of cutPoints(text)) {
    const distance = Math.abs(cut.line - lines);
    if (cut.line > 0 && distance < bestDistance) {
      bestDistance = distance;
      best = cut;
    }
  }
  return best;
}

const normalise = (source: string) => (source.endsWith('\n') ? source : source + '\n').replace(/\r\n?/g, '\n');

/**
 * A text of about `lines` lines made of real files: the sources concatenated in order (as many as needed) and
 * cut before the `def`/`class` nearest that line count, so the result parses as the originals do.
 */
export function textOfLines(sources: readonly string[], lines: number): string {
  let text = '';
  for (const source of sources) {
    text += normalise(source);
    if (lineCount(text) > lines * 1.05) break;
  }
  return text.slice(0, cutNear(text, lines).offset);
}

/**
 * Cuts a stream of real files into `count` distinct texts of about `lines` lines each (the open documents of
 * the memory scenario, the cold-open file). A cut inside a class body leaves the next text starting with
 * indented methods: it gets a one-line `class _Continued:` header so it stays valid Python.
 */
export function chunksOfLines(sources: readonly string[], lines: number, count: number): string[] {
  const chunks: string[] = [];
  let pending = '';
  for (const source of sources) {
    pending += normalise(source);
    while (lineCount(pending) > lines * 1.3 && chunks.length < count) {
      const cut = cutNear(pending, lines);
      chunks.push(pending.slice(0, cut.offset));
      pending = (cut.indent > 0 ? 'class _Continued:  # the bench cut a class here\n' : '') + pending.slice(cut.offset);
    }
    if (chunks.length >= count) break;
  }
  return chunks;
}

export function lineCount(text: string): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return text.endsWith('\n') ? count - 1 : count;
}
