import type { SemanticModel } from '../semantic/model';
import type { SyntaxNode } from '../syntax/syntaxNode';
import type { Concept } from './concepts';
import type { Knowledge } from './knowledge';
import type { ConfidenceLevel, FlowStep, Taint } from './taint';
import type { TypeResolver } from './types';

/**
 * A step of a function's summary: offsets from the start of its definition (so it survives edits above it), or, for a
 * step outside the function (module-level code, a callee's body), from the start of `anchor`, the definition or
 * module-level statement that holds it: an edit between the two moves the step with its anchor. A summary with
 * anchors is reused only while each anchor is in the current tree (a copy that survives an edit stands for the same
 * text, `copyTree`).
 */
export interface SummaryStep extends FlowStep {
  readonly anchor?: SyntaxNode;
}

/**
 * What callers need to know about a function of the same file (CodeQL's and Pysa's function summaries): which
 * parameters reach its return value, which reach which sinks, and what untrusted data it returns by itself.
 * Plain data (but for steps' anchors): cached across analyses, and compared through `summaryFingerprint` to decide whether callers must be
 * analysed again.
 */
export interface FunctionSummary {
  readonly parameterNames: readonly string[];
  /** Index of the `*args` parameter, if any: later positional arguments all land there. */
  readonly variadic?: number;
  readonly returns: {
    readonly kinds: number;
    readonly params: number;
    readonly clean: number;
    /** What the parameters' data returned is clean for, when that differs from `clean` (see `Taint.paramClean`). */
    readonly paramClean?: number;
    readonly confidence: ConfidenceLevel;
    /** The path from a source inside the function to the `return` (when `kinds` is set). */
    readonly steps: readonly SummaryStep[];
    /** The path from a parameter to the `return` (when `params` is set). */
    readonly paramSteps: readonly SummaryStep[];
  } | null;
  readonly sinks: ReadonlyArray<{
    readonly concept: Concept;
    readonly params: number;
    readonly clean: number;
    readonly confidence: ConfidenceLevel;
    readonly label: string;
    readonly steps: readonly SummaryStep[];
  }>;
}

/** What a summary says, without positions: equal fingerprints mean callers' results cannot change. */
export function summaryFingerprint(summary: FunctionSummary | null): string {
  if (!summary) return 'unknown';
  const steps = (list: readonly SummaryStep[]) => list.map((item) => item.message).join('>');
  return JSON.stringify([
    summary.parameterNames,
    summary.variadic ?? -1,
    summary.returns && [summary.returns.kinds, summary.returns.params, summary.returns.clean, summary.returns.paramClean ?? null, summary.returns.confidence, steps(summary.returns.steps), steps(summary.returns.paramSteps)],
    summary.sinks.map((sink) => [sink.concept, sink.params, sink.clean, sink.confidence, sink.label, steps(sink.steps)]),
  ]);
}

/** A function of the same file a call resolves to, with its summary. */
export interface LocalCallee {
  readonly summary: FunctionSummary;
  readonly definition: SyntaxNode;
  readonly name: string;
  /** 1 when the call's receiver fills the first parameter (`self.helper(x)`), else 0. */
  readonly offset: number;
}

/** What the interpreter asks of the rest of the engine. */
export interface FlowContext {
  readonly model: SemanticModel;
  readonly knowledge: Knowledge;
  readonly types: TypeResolver;
  /** The value a name has where the enclosing unit (function or module) leaves it; null for nothing untrusted. */
  outerValue(unitNode: SyntaxNode, name: string): Taint | null;
  /** The same-file function a call calls, when its summary is known (calls within a recursive cycle are not). */
  localCall(call: SyntaxNode): LocalCallee | null;
}
