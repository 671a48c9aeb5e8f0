import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { CONFIDENCES, SEVERITIES, ruleById, type Confidence, type Finding, type Severity } from '../engine';
import { describeError, readRegularFile } from './files';

/**
 * Baseline files (`vigil check --write-baseline FILE`, `--baseline FILE`): the findings a project has accepted for
 * now, so that a check reports only new ones. Each entry is a fingerprint: a hash of the file's path (relative to
 * the baseline file, so the baseline works from any folder and in CI) and the finding's key (`findingKey`: rule,
 * enclosing function, normalised statement; no line). Only the hash is stored, never the code, which may hold a
 * secret; rule, path and line are there for people and for reporting fixed entries.
 */

export const BASELINE_FORMAT = 'vigil-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  readonly fingerprint: string;
  readonly ruleId: string;
  /** Relative to the baseline file's folder, with `/` separators. */
  readonly path: string;
  /** 1-based, when the baseline was written (for people: matching ignores it). In a notebook, the line in its cell. */
  readonly line: number;
  /** In a notebook: the 1-based cell. */
  readonly cell?: number;
  readonly severity: Severity;
  readonly confidence: Confidence;
}

export class BaselineError extends Error {}

/** The fingerprint of a finding with key `key` in `file` (absolute), for a baseline in `baselineDir`. */
export function fingerprint(baselineDir: string, file: string, key: string): string {
  return createHash('sha256').update(`${baselinePath(baselineDir, file)}\0${key}`).digest('hex').slice(0, 32);
}

/** `file` (absolute) relative to the baseline's folder, with `/` separators. */
export function baselinePath(baselineDir: string, file: string): string {
  return relative(baselineDir, file).split(sep).join('/');
}

export function baselineEntry(
  baselineDir: string,
  file: string,
  finding: Finding,
  key: string,
  place: { readonly line: number; readonly cell?: number } = { line: finding.range.start.line },
): BaselineEntry {
  return {
    fingerprint: fingerprint(baselineDir, file, key),
    ruleId: finding.ruleId,
    path: baselinePath(baselineDir, file),
    line: place.line + 1,
    ...(place.cell !== undefined ? { cell: place.cell } : {}),
    severity: finding.severity,
    confidence: finding.confidence,
  };
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    (a.cell ?? 0) - (b.cell ?? 0) ||
    a.line - b.line ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.fingerprint.localeCompare(b.fingerprint)
  );
}

/** The baseline file's text: stable order, one entry a line, so that it reviews well in version control. */
export function formatBaseline(entries: readonly BaselineEntry[]): string {
  const sorted = [...entries].sort(compareEntries);
  const body = sorted.map((entry) => `    ${JSON.stringify(entry)}`).join(',\n');
  return `{\n  "format": "${BASELINE_FORMAT}",\n  "version": ${BASELINE_VERSION},\n  "findings": [${sorted.length > 0 ? `\n${body}\n  ` : ''}]\n}\n`;
}

/** Writes a baseline file whole or not at all (through a temporary file beside it). */
export function writeBaseline(path: string, entries: readonly BaselineEntry[]): void {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, formatBaseline(entries), { flag: 'wx' });
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new BaselineError(`cannot write baseline ${path}: ${describeError(error)}`);
  }
}

/** Reads a baseline file; a clear error when it is missing or not a Vigil baseline. */
export function readBaseline(path: string): BaselineEntry[] {
  const read = readRegularFile(path);
  if ('error' in read) throw new BaselineError(`baseline ${path}: ${read.error.replace(/^cannot read file: /, '')}`);
  let data: unknown;
  try {
    data = JSON.parse(read.bytes.toString('utf8'));
  } catch (error) {
    throw new BaselineError(`baseline ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const file = data as { format?: unknown; version?: unknown; findings?: unknown };
  if (typeof data !== 'object' || data === null || file.format !== BASELINE_FORMAT || !Array.isArray(file.findings)) {
    throw new BaselineError(`${path} is not a Vigil baseline (write one with \`vigil check --write-baseline ${path}\`)`);
  }
  if (file.version !== BASELINE_VERSION) {
    throw new BaselineError(`baseline ${path} has version ${String(file.version)}; this Vigil reads version ${BASELINE_VERSION} (write it again)`);
  }
  return file.findings.map((raw, index): BaselineEntry => {
    const entry = raw as Partial<Record<keyof BaselineEntry, unknown>>;
    const valid =
      typeof entry === 'object' && entry !== null &&
      typeof entry.fingerprint === 'string' && typeof entry.ruleId === 'string' && typeof entry.path === 'string' &&
      typeof entry.line === 'number' && (entry.cell === undefined || typeof entry.cell === 'number') &&
      SEVERITIES.includes(entry.severity as Severity) && CONFIDENCES.includes(entry.confidence as Confidence);
    if (!valid) throw new BaselineError(`baseline ${path}: entry ${index + 1} is not a finding (fingerprint, ruleId, path, line, severity, confidence)`);
    return entry as BaselineEntry;
  });
}

/**
 * Matches the findings of a run against a baseline: each entry accounts for one finding with its fingerprint.
 * What is left over at the end is what the run no longer finds.
 */
export class BaselineMatcher {
  private readonly open = new Map<string, BaselineEntry[]>();

  constructor(
    readonly path: string,
    entries: readonly BaselineEntry[],
  ) {
    for (const entry of entries) {
      const list = this.open.get(entry.fingerprint);
      if (list) list.push(entry);
      else this.open.set(entry.fingerprint, [entry]);
    }
  }

  /** The baseline file's folder, which its paths are relative to. */
  get dir(): string {
    return dirname(resolve(this.path));
  }

  /** Whether the baseline holds the finding (and if so, takes the entry nearest to `line`, 1-based). */
  take(fingerprintValue: string, line: number): boolean {
    const list = this.open.get(fingerprintValue);
    if (!list || list.length === 0) return false;
    let best = 0;
    for (let i = 1; i < list.length; i++) if (Math.abs(list[i]!.line - line) < Math.abs(list[best]!.line - line)) best = i;
    list.splice(best, 1);
    return true;
  }

  /**
   * The entries no finding took that the run could have found: their file was analysed (`analysed`, absolute
   * paths) or, being inside what the run covered (`covers`), no longer exists; and their rule is still selected
   * for it (`selected`). Entries of files the run did not look at are not fixed, only not checked.
   */
  fixed(analysed: ReadonlySet<string>, covers: (file: string) => boolean, selected: (file: string, entry: BaselineEntry) => boolean): BaselineEntry[] {
    const fixed: BaselineEntry[] = [];
    for (const list of this.open.values()) {
      for (const entry of list) {
        const file = resolve(this.dir, ...entry.path.split('/'));
        const looked = analysed.has(file) || (covers(file) && !existsSync(file));
        if (looked && ruleById(entry.ruleId) && selected(file, entry)) fixed.push(entry);
      }
    }
    return fixed.sort(compareEntries);
  }
}
