import type { Confidence, Severity } from '../findings';
import { TAINT_KINDS, kindBit, type Concept, type TaintKind } from '../flow/concepts';
import type { FlowHit } from '../flow/interpreter';
import { parseSourceStep } from '../flow/taint';
import { defineRule, type FixSpec, type Report, type Rule, type RuleContext, type RuleMeta } from './rule';

/**
 * A rule about untrusted data reaching a sink, written against the flow layer's concepts (CodeQL's path problems):
 * which taint kinds, which sink concept, what to say. The finding sits on the data where it enters the sink, and
 * carries every step from the source.
 */
export interface FlowRuleSpec {
  readonly meta: RuleMeta;
  readonly concept: Concept;
  /** Which kinds of untrusted data make a finding (default: `remote`, request data). */
  readonly kinds?: readonly TaintKind[];
  /** The message for one occurrence; `source` names where the data came from (`request.args.get("f")`). */
  message(hit: FlowHit, source: string): string;
  fix?(hit: FlowHit, context: RuleContext): FixSpec | undefined;
}

const CONFIDENCE: readonly Confidence[] = ['low', 'medium', 'high'];
const LOWER: Record<Severity, Severity> = { high: 'medium', medium: 'low', low: 'low', info: 'info' };

export function defineFlowRule(spec: FlowRuleSpec): Rule {
  const kinds = (spec.kinds ?? ['remote']).reduce((mask, kind) => mask | kindBit(kind), 0);
  return defineRule({
    meta: spec.meta,
    usesFlow: true,
    create(context) {
      return {
        'unit:exit'() {
          for (const hit of context.flow.hits) {
            if (hit.concept !== spec.concept || !(hit.taint.kinds & kinds)) continue;
            const report = flowReport(hit, spec.meta.severity, spec.message(hit, sourceOf(hit)));
            const fix = spec.fix?.(hit, context);
            context.report(fix ? { ...report, fix } : report);
          }
        },
      };
    },
  });
}

/**
 * A report for a flow hit: on the argument that carries the data, with the path as flow steps ending at the sink.
 * Data from the process's own inputs (`sys.argv`, the environment) is one severity level lower than request data.
 */
export function flowReport(hit: FlowHit, severity: Severity, message: string): Report {
  const remote = (hit.taint.kinds & kindBit('remote')) !== 0;
  return {
    at: hit.argument,
    message,
    severity: remote ? severity : LOWER[severity],
    confidence: CONFIDENCE[hit.taint.confidence]!,
    flow: flowSteps(hit),
  };
}

/** A hit's path as report steps: from the source, through each step, to the sink. */
export function flowSteps(hit: FlowHit): NonNullable<Report['flow']> {
  return [
    ...hit.steps.map((item) => ({ at: { start: item.start, end: item.end }, message: item.message })),
    { at: hit.sink, message: hit.label },
  ];
}

/** Where the data came from, for messages: the source expression (`request.args.get("f")`), or its kind. */
export function sourceOf(hit: FlowHit): string {
  const source = hit.steps[0] && parseSourceStep(hit.steps[0].message);
  if (source) return `\`${source.code}\``;
  const kind = TAINT_KINDS.find((candidate) => hit.taint.kinds & kindBit(candidate));
  return kind === 'remote' ? 'request data' : kind === 'local' ? 'program input' : 'stored data';
}

/** What kind of data a hit carries, for messages: "Flask request data", "command-line argument"… */
export function sourceKind(hit: FlowHit): string {
  return (hit.steps[0] && parseSourceStep(hit.steps[0].message)?.label) || 'untrusted data';
}
