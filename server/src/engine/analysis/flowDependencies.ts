import type { SyntaxNode } from '../syntax/syntaxNode';
import type { AnalysisUnit } from './units';

/** What `plan` returns: the order summaries are computed in and the cache key of each unit. */
export interface FlowPlan {
  /** Function units, callees before callers (the members of a recursive cycle together). */
  readonly functionsCalleesFirst: readonly AnalysisUnit[];
  /**
   * A unit's cache key: its base key, then for each same-file function its own text names, that function's summary
   * fingerprint (or, inside a recursive cycle, the function's text: such calls are treated as unknown).
   */
  keyOf(unit: AnalysisUnit, fingerprintOf: (callee: AnalysisUnit) => string): string;
  unitOf(node: SyntaxNode): AnalysisUnit | undefined;
  /** Whether two function units call each other, directly or not: then neither uses the other's summary. */
  sameCycle(a: AnalysisUnit, b: AnalysisUnit): boolean;
}

/**
 * Calls the flow layer resolves to a same-file function: `name(` not preceded by a dot, and `self.name(` /
 * `cls.name(` (`FlowEngine.localCall` resolves nothing else). A definition's own header (`def name(`, which every
 * function's own text starts with, and nested definitions' headers) is no call: otherwise every function would
 * depend on all the functions of its name (`__init__`, `get`), and an edit to one would analyse the others again.
 */
const CALLED_NAME = /(?:^|[^.\w])(?<!\bdef\s+)([A-Za-z_][A-Za-z0-9_]*)\s*\(|\b(?:self|cls)\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;

/**
 * Which same-file functions each unit may call, judged from the calls in its own text (a superset of the calls the
 * flow layer resolves: `helper(…)`, `self.helper(…)`), and the order that lets every summary be computed after those
 * it uses. Names per own text are remembered between analyses, so a keystroke re-reads only the units it changed.
 */
export class FlowDependencies {
  private names = new Map<string, readonly string[]>();

  plan(units: readonly AnalysisUnit[], baseKeys: ReadonlyMap<AnalysisUnit, string>): FlowPlan {
    const byName = new Map<string, AnalysisUnit[]>();
    const byNode = new Map<SyntaxNode, AnalysisUnit>();
    for (const unit of units) {
      byNode.set(unit.node, unit);
      if (unit.kind !== 'function') continue;
      const name = unit.node.child('name')?.text;
      if (!name) continue;
      const list = byName.get(name);
      if (list) list.push(unit);
      else byName.set(name, [unit]);
    }

    const nextNames = new Map<string, readonly string[]>();
    const callees = new Map<AnalysisUnit, AnalysisUnit[]>();
    for (const unit of units) {
      let names = nextNames.get(unit.ownText) ?? this.names.get(unit.ownText);
      if (!names) names = [...new Set([...unit.ownText.matchAll(CALLED_NAME)].map((match) => (match[1] ?? match[2])!))];
      nextNames.set(unit.ownText, names);
      const list: AnalysisUnit[] = [];
      for (const name of names) for (const callee of byName.get(name) ?? []) list.push(callee);
      callees.set(unit, list);
    }
    this.names = nextNames;

    const { order, component } = stronglyConnected(units.filter((unit) => unit.kind === 'function'), callees);
    const sameCycle = (a: AnalysisUnit, b: AnalysisUnit): boolean => {
      const ca = component.get(a);
      return ca !== undefined && ca === component.get(b);
    };
    return {
      functionsCalleesFirst: order,
      unitOf: (node) => byNode.get(node),
      sameCycle,
      keyOf(unit, fingerprintOf) {
        const base = baseKeys.get(unit)!;
        const list = callees.get(unit) ?? [];
        if (list.length === 0) return base;
        const parts = list.map((callee) =>
          sameCycle(unit, callee) ? `~${baseKeys.get(callee)}` : `=${fingerprintOf(callee)}`,
        );
        return `${base}\u0003${parts.join('\u0004')}`;
      },
    };
  }
}

/**
 * Tarjan's strongly connected components, iteratively (call chains can be long): components come out callees
 * first, which is the order summaries are computed in.
 */
function stronglyConnected(
  nodes: readonly AnalysisUnit[],
  edges: ReadonlyMap<AnalysisUnit, readonly AnalysisUnit[]>,
): { order: AnalysisUnit[]; component: Map<AnalysisUnit, number> } {
  const index = new Map<AnalysisUnit, number>();
  const low = new Map<AnalysisUnit, number>();
  const onStack = new Set<AnalysisUnit>();
  const stack: AnalysisUnit[] = [];
  const component = new Map<AnalysisUnit, number>();
  const order: AnalysisUnit[] = [];
  let counter = 0;
  let components = 0;
  const isFunction = new Set(nodes);
  const targetsOf = new Map(nodes.map((node) => [node, (edges.get(node) ?? []).filter((target) => isFunction.has(target))]));

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: AnalysisUnit; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = targetsOf.get(frame.node)!;
      if (frame.next < targets.length) {
        const target = targets[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const id = components++;
        let member: AnalysisUnit;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.set(member, id);
          order.push(member);
        } while (member !== frame.node);
      }
    }
  }
  // A function that names itself is a cycle of one: its recursive calls are unknown too (handled by sameCycle).
  return { order, component };
}
