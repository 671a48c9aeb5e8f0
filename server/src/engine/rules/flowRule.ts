import { CONFIDENCES, confidenceRank, severityRank, type Severity } from '../findings';
import { TAINT_KINDS, kindBit, type Concept, type TaintKind } from '../flow/concepts';
import type { FlowHit } from '../flow/interpreter';
import { parseSourceStep, pathSteps, type Taint } from '../flow/taint';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { unparenthesize } from '../syntax/python';
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
  /** Whether a hit is a defect after all, for what only the sink's own syntax shows (a log call's `%r`). Default: yes. */
  accept?(hit: FlowHit, context: RuleContext): boolean;
  /** One finding per sink call, for its strongest argument (a log call with three tainted values is one defect). */
  readonly onePerSink?: boolean;
}

/**
 * What a finding needs from the flow layer: the sink, the expression carrying the data into it, what the sink does
 * with it, the value's taint and its path. A `FlowHit` is one (a model's sink); `evidenceAt` makes one for a sink a
 * rule recognises itself (an admin-context lookup).
 */
export type FlowEvidence = Pick<FlowHit, 'sink' | 'argument' | 'label' | 'taint' | 'steps'>;

/** Evidence that `argument`, whose value is `taint`, enters `sink`, which does `label` with it. */
export function evidenceAt(taint: Taint, sink: SyntaxNode, argument: SyntaxNode, label: string): FlowEvidence {
  return { sink, argument, label, taint, steps: pathSteps(taint.path) };
}

const LOWER: Record<Severity, Severity> = { high: 'medium', medium: 'low', low: 'low', info: 'info' };

export function defineFlowRule(spec: FlowRuleSpec): Rule {
  const kinds = spec.kinds ?? ['remote'];
  const mask = kinds.reduce((bits, kind) => bits | kindBit(kind), 0);
  return defineRule({
    meta: spec.meta,
    usesFlow: true,
    create(context) {
      return {
        'unit:exit'() {
          // None for a sink whose data another sink of the same concept made (`urlopen(Request(url))`,
          // `execute(text(query))`): the flaw is reported once, where the data enters.
          const all = context.flow.hits.filter((hit) => hit.concept === spec.concept && hit.taint.kinds & mask);
          const sinks = new Set(all.map((hit) => hit.sink));
          const accepted = all.filter((hit) => {
            const madeBy = producer(context, hit.argument);
            if (madeBy && madeBy !== hit.sink && sinks.has(madeBy)) return false;
            return !spec.accept || spec.accept(hit, context);
          });
          const hits = spec.onePerSink ? new SinkHits(accepted, spec.concept, kinds).rest() : accepted;
          for (const hit of hits) {
            const found = flowReport(hit, spec.meta.severity, spec.message(hit, sourceOf(hit)), kindBit(kinds[0]!));
            // The rule's own confidence is a ceiling: a sure flow into a sink that is not always a defect stays unsure.
            const report = confidenceRank(found.confidence!) > confidenceRank(spec.meta.confidence) ? { ...found, confidence: spec.meta.confidence } : found;
            const fix = spec.fix?.(hit, context);
            context.report(fix ? { ...report, fix } : report);
          }
        },
      };
    },
  });
}

/** The call that made a value: the value itself, or the call a name is bound to once (`req = Request(url)`). */
export function producer(context: RuleContext, node: SyntaxNode): SyntaxNode | null {
  let expr = unparenthesize(node);
  if (expr.type === 'identifier') {
    const value = context.model.singleValue(expr);
    if (!value) return null;
    expr = unparenthesize(value);
  }
  return expr.type === 'call' ? expr : null;
}

/** Data whose author may be anyone: request data, and the member names of an archive (its author chose them). */
const ATTACKER_KINDS = kindBit('remote') | kindBit('archive');

/**
 * A report for a flow hit: on the argument that carries the data, with the path as flow steps ending at the sink.
 * Data from the process's own inputs (`sys.argv`, the environment) is one severity level lower than request data
 * (or an archive's member names). `full`: more kinds that get the full `severity` (a rule about stored data).
 */
export function flowReport(hit: FlowEvidence, severity: Severity, message: string, full = 0): Report {
  const attacker = (hit.taint.kinds & (ATTACKER_KINDS | full)) !== 0;
  return {
    at: hit.argument,
    message,
    severity: attacker ? severity : LOWER[severity],
    confidence: CONFIDENCES[hit.taint.confidence]!,
    flow: flowSteps(hit),
  };
}

/** A hit's path as report steps: from the source, through each step, to the sink. */
export function flowSteps(hit: FlowEvidence): NonNullable<Report['flow']> {
  return [
    ...hit.steps.map((item) => ({ at: { start: item.start, end: item.end }, message: item.message })),
    { at: hit.sink, message: hit.label },
  ];
}

/** Where the data came from, for messages: the source expression (`request.args.get("f")`), or its kind. */
export function sourceOf(hit: FlowEvidence): string {
  const source = hit.steps[0] && parseSourceStep(hit.steps[0].message);
  if (source) return `\`${source.code}\``;
  const kind = TAINT_KINDS.find((candidate) => hit.taint.kinds & kindBit(candidate));
  return KIND_NAMES[kind ?? 'stored'];
}

const KIND_NAMES: Record<TaintKind, string> = {
  remote: 'request data', local: 'program input', stored: 'stored data', archive: 'an archive member name', random: 'a pseudo-random value',
};

/** What kind of data a hit carries, for messages: "Flask request data", "command-line argument"… */
export function sourceKind(hit: FlowEvidence): string {
  return (hit.steps[0] && parseSourceStep(hit.steps[0].message)?.label) || 'untrusted data';
}

/**
 * One unit's flow hits at sinks of one concept, one per sink, for rules that judge a sink by its own reading of the
 * code (the shape of a shell command or an SQL query: which values are quoted, numeric, constant) and ask the flow
 * layer where the data came from. A rule `take`s the hit of each sink it judged, so that `rest` is left with the
 * flows its own reading did not see (a command built by a helper, an argument list, a value passed in whole).
 * When a sink has several hits (two arguments), the one kept is request data before program input, then the surer.
 */
export class SinkHits {
  private readonly bySink = new Map<SyntaxNode, FlowHit>();

  /** `kinds`: which taint kinds count (default: request data and program input; stored data is not evidence). */
  constructor(hits: readonly FlowHit[], concept: Concept, kinds: readonly TaintKind[] = ['remote', 'local']) {
    const mask = kinds.reduce((bits, kind) => bits | kindBit(kind), 0);
    for (const hit of hits) {
      if (hit.concept !== concept || !(hit.taint.kinds & mask)) continue;
      const known = this.bySink.get(hit.sink);
      if (!known || strongerHit(hit, known)) this.bySink.set(hit.sink, hit);
    }
  }

  /** The hit at this sink (a call node), removed from `rest`; undefined when no untrusted data reaches it. */
  take(sink: SyntaxNode): FlowHit | undefined {
    const hit = this.bySink.get(sink);
    this.bySink.delete(sink);
    return hit;
  }

  /** The hits no `take` asked for, in source order. */
  rest(): FlowHit[] {
    return [...this.bySink.values()].sort((a, b) => a.sink.start - b.sink.start);
  }
}

function strongerHit(a: FlowHit, b: FlowHit): boolean {
  const remote = kindBit('remote');
  if ((a.taint.kinds & remote) !== (b.taint.kinds & remote)) return (a.taint.kinds & remote) !== 0;
  return a.taint.confidence > b.taint.confidence;
}

/**
 * A rule's own report made stronger by the flow layer's evidence for the same sink: the path from the source
 * (`flow`), the source named at the end of the message, and at least the severity untrusted data there calls for
 * (`severity` for request data, one level lower for program input, as `flowReport`) and the flow's confidence.
 * Without a hit the report is returned unchanged. `meta` gives the levels of a report that does not set its own.
 */
export function withFlow(report: Report, hit: FlowEvidence | undefined, severity: Severity, meta: Pick<RuleMeta, 'severity' | 'confidence'>): Report {
  if (!hit) return report;
  const evidence = flowReport(hit, severity, '');
  const own = report.severity ?? meta.severity;
  const ownConfidence = report.confidence ?? meta.confidence;
  return {
    ...report,
    message: `${report.message}; the data comes from ${sourceKind(hit)} (${sourceOf(hit)})`,
    severity: severityRank(evidence.severity!) > severityRank(own) ? evidence.severity! : own,
    confidence: confidenceRank(evidence.confidence!) > confidenceRank(ownConfidence) ? evidence.confidence! : ownConfidence,
    flow: evidence.flow!,
  };
}
