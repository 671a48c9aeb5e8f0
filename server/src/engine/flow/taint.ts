import type { SyntaxNode } from '../syntax/syntaxNode';
import { ALL_CONCEPTS, UNSANITIZABLE_KINDS } from './concepts';

/** One step of the path data takes, as UTF-16 offsets into the source: "assigned to `name`". */
export interface FlowStep {
  readonly start: number;
  readonly end: number;
  readonly message: string;
}

/** The path to a value, newest step first (shared tails: building a path is O(1) per step). */
export interface PathNode extends FlowStep {
  readonly prev: PathNode | null;
  readonly length: number;
}

/** 0 low, 1 medium, 2 high: how sure Vigil is that the value really carries the source's data. */
export type ConfidenceLevel = 0 | 1 | 2;

/**
 * What the flow layer knows about a value: which kinds of untrusted data may be in it (`kinds`, a bit set of
 * `TaintKind`), which parameters of the function being analysed flow into it (`params`, bit i = parameter i; what
 * function summaries are made of), for which sink concepts it has been made safe (`clean`, a bit set of
 * `Concept`), and one witness path from where the data came. `null` stands for "nothing untrusted".
 */
export interface Taint {
  readonly kinds: number;
  readonly params: number;
  readonly clean: number;
  /**
   * What the parameters' data in it is clean for, when that differs from `clean` (which then speaks for the sources'
   * data): `os.path.join(dest, os.path.basename(name))` holds a cleaned name and a raw parameter. Absent: `clean`.
   */
  readonly paramClean?: number;
  readonly confidence: ConfidenceLevel;
  readonly path: PathNode | null;
}

/** Paths longer than this keep their first and newest steps; the middle is summarised. */
const MAX_PATH = 24;

export function step(path: PathNode | null, at: { start: number; end: number }, message: string): PathNode {
  const length = (path?.length ?? 0) + 1;
  if (length > MAX_PATH && path?.prev) {
    // Drop the step just behind the newest one: the source and the last steps stay.
    return { start: at.start, end: at.end, message, prev: path.prev, length: length - 1 };
  }
  return { start: at.start, end: at.end, message, prev: path, length };
}

export function withStep(taint: Taint | null, at: SyntaxNode | { start: number; end: number }, message: string): Taint | null {
  if (!taint) return null;
  return { ...taint, path: step(taint.path, at, message) };
}

/** The value of a branch merge or of an expression built from several values. */
export function join(a: Taint | null, b: Taint | null): Taint | null {
  if (!a) return b;
  if (!b) return a;
  if (a === b) return a;
  const preferA = betterWitness(a, b);
  // Clean only where every part is clean: a sanitizer on one branch does not clean the other. The sources' data and
  // the parameters' data are judged apart: a raw parameter joined to a cleaned source leaves the source's data clean.
  const sourcesClean = partClean(a.kinds !== 0, a.clean, b.kinds !== 0, b.clean);
  const paramsClean = partClean(a.params !== 0, paramClean(a), b.params !== 0, paramClean(b));
  const clean = a.kinds | b.kinds ? sourcesClean : paramsClean;
  return {
    kinds: a.kinds | b.kinds,
    params: a.params | b.params,
    clean,
    ...(paramsClean !== clean && (a.params | b.params) ? { paramClean: paramsClean } : {}),
    // A pseudo-random part does not make the rest surer.
    confidence: (inert(a) === inert(b) ? Math.max(a.confidence, b.confidence) : inert(a) ? b.confidence : a.confidence) as ConfidenceLevel,
    path: preferA ? a.path : b.path,
  };
}

/** What the parameters' data in a value is clean for. */
export function paramClean(taint: Taint): number {
  return taint.paramClean ?? taint.clean;
}

/** The clean set of one part (sources or parameters) of a join: from the sides that carry that part. */
function partClean(aHas: boolean, aClean: number, bHas: boolean, bClean: number): number {
  if (aHas && !bHas) return aClean;
  if (bHas && !aHas) return bClean;
  return aClean & bClean;
}

/** Which of two values' paths explains a merge better: one from a real source, then the surer, then the shorter. */
function betterWitness(a: Taint, b: Taint): boolean {
  const aData = (a.kinds & ~UNSANITIZABLE_KINDS) !== 0;
  const bData = (b.kinds & ~UNSANITIZABLE_KINDS) !== 0;
  if (aData !== bData) return aData;
  // Then a parameter's path (what summaries are made of), then an unsanitizable kind's (a pseudo-random value).
  if (inert(a) !== inert(b)) return inert(b);
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  return (a.path?.length ?? 0) <= (b.path?.length ?? 0);
}

export function joinAll(values: Iterable<Taint | null>): Taint | null {
  let result: Taint | null = null;
  for (const value of values) result = join(result, value);
  return result;
}

/** Whether a value holds only unsanitizable kinds (a pseudo-random value): no sink is in danger from it. */
function inert(taint: Taint): boolean {
  return taint.params === 0 && (taint.kinds & ~UNSANITIZABLE_KINDS) === 0;
}

/** Whether a value's path starts at a source (else at a parameter: what a summary's `paramSteps` are). */
export function fromSource(taint: Taint): boolean {
  return (taint.kinds & ~UNSANITIZABLE_KINDS) !== 0 || (taint.kinds !== 0 && taint.params === 0);
}

/**
 * The value after a sanitizer or a guard for `mask` (a concept bit set); clean for everything is `null`, except for
 * unsanitizable kinds, which stay (a predictable number is as predictable after `int()`).
 */
export function cleaned(taint: Taint | null, mask: number): Taint | null {
  if (!taint) return null;
  const clean = taint.clean | mask;
  const forParams = taint.paramClean === undefined ? undefined : taint.paramClean | mask;
  if ((clean & ALL_CONCEPTS) === ALL_CONCEPTS && (forParams === undefined || (forParams & ALL_CONCEPTS) === ALL_CONCEPTS)) {
    const kinds = taint.kinds & UNSANITIZABLE_KINDS;
    return kinds ? { kinds, params: 0, clean: ALL_CONCEPTS, confidence: taint.confidence, path: taint.path } : null;
  }
  return forParams === undefined || forParams === clean ? { ...withoutParamClean(taint), clean } : { ...taint, clean, paramClean: forParams };
}

function withoutParamClean(taint: Taint): Taint {
  if (taint.paramClean === undefined) return taint;
  const { paramClean: _dropped, ...rest } = taint;
  return rest;
}

/** The value after a call Vigil has no model for: taint passes on, less surely; after two such calls it is dropped. */
export function throughUnknownCall(taint: Taint | null): Taint | null {
  if (!taint) return null;
  if (taint.confidence === 0) return null;
  return { ...taint, confidence: (taint.confidence - 1) as ConfidenceLevel };
}

/** Whether two values are the same for the analysis (paths aside): the loop fixed point compares these. */
export function sameTaint(a: Taint | null | undefined, b: Taint | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.kinds === b.kinds && a.params === b.params && a.clean === b.clean && paramClean(a) === paramClean(b) && a.confidence === b.confidence;
}

/** The steps of a path, oldest (the source) first. */
export function pathSteps(path: PathNode | null): FlowStep[] {
  const steps: FlowStep[] = [];
  for (let node = path; node; node = node.prev) steps.push({ start: node.start, end: node.end, message: node.message });
  return steps.reverse();
}

/** The message of a path's first step, where data enters: "Flask request data: `request.args`". */
export function sourceStepMessage(label: string, code: string): string {
  return `${label}: \`${code}\``;
}

/** The label and code of a source step's message (`sourceStepMessage` in reverse); null for any other step. */
export function parseSourceStep(message: string): { readonly label: string; readonly code: string } | null {
  const match = /^([^:`]+): `(.+)`$/.exec(message);
  return match ? { label: match[1]!.trim(), code: match[2]! } : null;
}
