import { statSync } from 'node:fs';
import { findingKeys, type Finding, type LineIndex, type SyntaxTree } from '../engine';
import { BaselineError, BaselineMatcher, fingerprint, readBaseline, type BaselineEntry } from '../host/baseline';
import { describeError } from '../host/files';

/**
 * The baseline of the project configuration (`baseline = "path"` in `[tool.vigil]` or `vigil.toml`) in the editor:
 * the findings it holds are not published, as `vigil check` leaves them out. Matching is the CLI's
 * (`host/baseline.ts`): the fingerprint of the file's path, relative to the baseline file, and the finding's key
 * (`findingKey`: rule, enclosing definitions, normalised statement), one entry per finding. A baseline file is read
 * again when its modification time or size changes; one that cannot be read hides nothing, said once in the log.
 */
export class EditorBaselines {
  private readonly files = new Map<string, { readonly stamp: string; readonly entries: readonly BaselineEntry[] | null }>();
  private readonly reported = new Set<string>();

  constructor(private readonly warn: (message: string) => void) {}

  /**
   * The findings of `file` (absolute path) that the baseline at `baselinePath` (absolute) does not hold, in order.
   * `syntax` and `lineIndex` are those of the text the findings were found in; `placeOf` gives the line a baseline
   * entry records for a finding's 0-based line (in a notebook, the line in its cell; default the line itself).
   */
  filter(
    findings: readonly Finding[],
    file: string,
    baselinePath: string | undefined,
    text: { readonly syntax: SyntaxTree; readonly lineIndex: LineIndex },
    placeOf: (line: number) => number = (line) => line,
  ): readonly Finding[] {
    if (!baselinePath || findings.length === 0) return findings;
    const entries = this.entries(baselinePath);
    if (!entries || entries.length === 0) return findings;
    const matcher = new BaselineMatcher(baselinePath, entries);
    const keys = findingKeys(findings, text.syntax, text.lineIndex);
    return findings.filter((finding, index) => !matcher.take(fingerprint(matcher.dir, file, keys[index]!), placeOf(finding.range.start.line) + 1));
  }

  /** Forgets every baseline read (configuration changed): each is read again when next used. */
  clear(): void {
    this.files.clear();
    this.reported.clear();
  }

  private entries(path: string): readonly BaselineEntry[] | null {
    let stamp: string;
    try {
      const stat = statSync(path);
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch (error) {
      this.report(`the baseline ${path} named in the project configuration cannot be read (${describeError(error)}); every finding is shown`);
      this.files.delete(path);
      return null;
    }
    const known = this.files.get(path);
    if (known?.stamp === stamp) return known.entries;
    let entries: readonly BaselineEntry[] | null;
    try {
      entries = readBaseline(path);
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      this.report(`${error.message}; every finding is shown`);
      entries = null;
    }
    this.files.set(path, { stamp, entries });
    return entries;
  }

  private report(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.warn(`vigil: ${message}`);
  }
}
