import type { Finding, Range } from '../findings';
import { LineIndex } from '../syntax/lineIndex';

/**
 * What a change introduces: which findings touch the lines a change added or modified, and which of those are only
 * old code in a new place. Pure: the host reads the change (git, a patch) and the texts; this file decides.
 *
 * A finding *touches the change* when its primary location, or its flow's source or sink (the first and last
 * `Finding.flow` steps), lies on a line the change added or modified. Of those, a finding whose key
 * (`findingKey` in `baseline.ts`: rule, enclosing function, normalised statement; no line, no path) was already
 * found in the base version of the changed files is code that moved, not code that was introduced: `unchanged`.
 */

/** Lines of one file, 0-based, `start` included and `end` excluded. */
export interface LineSpan {
  readonly start: number;
  readonly end: number;
}

/** The lines of one file that a change added or modified (in the file's new version). */
export class ChangedLines {
  private readonly spans: readonly LineSpan[];

  private constructor(spans: readonly LineSpan[], readonly everything: boolean) {
    this.spans = spans;
  }

  /** Spans in any order, overlapping or not; empty ones are dropped. */
  static of(spans: readonly LineSpan[]): ChangedLines {
    const sorted = spans.filter((span) => span.end > span.start).sort((a, b) => a.start - b.start);
    const merged: LineSpan[] = [];
    for (const span of sorted) {
      const last = merged[merged.length - 1];
      if (last && span.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end) };
      else merged.push(span);
    }
    return new ChangedLines(merged, false);
  }

  /** Every line changed: a file the change added, or one whose lines cannot be told apart (a notebook). */
  static all(): ChangedLines {
    return new ChangedLines([], true);
  }

  static none(): ChangedLines {
    return new ChangedLines([], false);
  }

  get isEmpty(): boolean {
    return !this.everything && this.spans.length === 0;
  }

  /** The merged spans (empty for `all()`). */
  get lineSpans(): readonly LineSpan[] {
    return this.spans;
  }

  /** Whether any line from `first` to `last` (both included) changed. */
  touches(first: number, last: number = first): boolean {
    if (this.everything) return true;
    // The first span that ends after `first`, by binary search.
    let low = 0;
    let high = this.spans.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.spans[mid]!.end <= first) low = mid + 1;
      else high = mid;
    }
    const span = this.spans[low];
    return span !== undefined && span.start <= last;
  }

  touchesRange(range: Range): boolean {
    return this.touches(range.start.line, Math.max(range.start.line, range.end.line));
  }
}

/**
 * Converts line spans counted the way git counts them (lines end only at `\n`, 1-based, `count` lines from
 * `start`) into the engine's lines of `text` (which also end at a lone `\r`). For a text without a lone `\r`
 * this is only the shift to 0-based lines.
 */
export function changedLinesFromGit(text: string, spans: ReadonlyArray<{ readonly start: number; readonly count: number }>): ChangedLines {
  const shifted = spans.map((span) => ({ start: span.start - 1, end: span.start - 1 + span.count }));
  if (!/\r(?!\n)/.test(text)) return ChangedLines.of(shifted);
  // Offsets of the start of each git line, then the engine lines each one covers.
  const gitStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) gitStarts.push(i + 1);
  const index = new LineIndex(text);
  const engineLine = (gitLine: number): number => index.positionAt(gitStarts[Math.min(gitLine, gitStarts.length - 1)]!).line;
  return ChangedLines.of(
    shifted.map((span) => {
      const start = engineLine(span.start);
      const end = span.end >= gitStarts.length ? index.lineCount : engineLine(span.end);
      return { start, end: Math.max(end, start + 1) };
    }),
  );
}

/** Whether the finding's primary location, or its flow's source or sink, lies on a changed line. */
export function touchesChange(finding: Finding, changed: ChangedLines): boolean {
  if (changed.touchesRange(finding.range)) return true;
  const source = finding.flow[0];
  const sink = finding.flow[finding.flow.length - 1];
  return (source !== undefined && changed.touchesRange(source.range)) || (sink !== undefined && changed.touchesRange(sink.range));
}

/** SARIF's names: `new` findings the change introduced, `unchanged` ones it did not. */
export type BaselineState = 'new' | 'unchanged';

export interface KeyedFinding {
  readonly finding: Finding;
  /** `findingKey` of the finding. */
  readonly key: string;
}

/** A multiset of keys: how many findings of each key a version had. */
export class KeyCounts {
  private readonly counts = new Map<string, number>();

  constructor(keys: Iterable<string> = []) {
    for (const key of keys) this.add(key);
  }

  add(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Takes one occurrence of `key`; false when there is none left. */
  take(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count === 0) return false;
    if (count === 1) this.counts.delete(key);
    else this.counts.set(key, count - 1);
    return true;
  }

  get size(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }
}

export interface ChangedFileFindings<T extends KeyedFinding = KeyedFinding> {
  readonly findings: readonly T[];
  readonly changed: ChangedLines;
}

/**
 * The state of every finding of the changed files: `new` when it touches the change and its key is not left over
 * in `baseKeys` (the keys of the findings of the changed files' base versions, all files together, so that code
 * moved from one file to another is recognised too), else `unchanged`. Findings that do not touch the change take
 * their keys from the base first: when a change copies a defect, the copy is the new one.
 * Returns the states in the order of `files` and of their findings.
 */
export function classifyChange<T extends KeyedFinding>(
  files: ReadonlyArray<ChangedFileFindings<T>>,
  baseKeys: KeyCounts,
): Array<Array<T & { readonly state: BaselineState }>> {
  const touching = files.map((file) => file.findings.map((item) => touchesChange(item.finding, file.changed)));
  files.forEach((file, i) => file.findings.forEach((item, j) => {
    if (!touching[i]![j]) baseKeys.take(item.key);
  }));
  return files.map((file, i) =>
    file.findings.map((item, j) => ({
      ...item,
      state: touching[i]![j] && !baseKeys.take(item.key) ? ('new' as const) : ('unchanged' as const),
    })),
  );
}
