import { NAME } from '../syntax/python';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { mayHaveNonAsciiNames, type AnalysisUnit } from './units';

/** What `plan` returns: the order summaries are computed in and the cache key of each unit. */
export interface FlowPlan {
  /** Function units, callees before callers (the members of a recursive cycle together). */
  readonly functionsCalleesFirst: readonly AnalysisUnit[];
  /**
   * A unit's cache key: its base key, then for each same-file function its own text names, what `fingerprintOf` says
   * of that function's summary (the Analyzer gives a short id per distinct fingerprint) or, inside a recursive cycle,
   * the function's base key (such calls are treated as unknown).
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
 * What precedes a name is looked behind, not matched, so a call right inside another's parentheses counts
 * (`str(helper())`: the match of `str(` ends where `helper` starts). Line continuations may stand between a name and
 * its parenthesis (`get_cmd \` then `()`), as Python allows.
 */
const CALLED_NAME = /(?<![.\w])(?<!\bdef\s+)([A-Za-z_][A-Za-z0-9_]*)[\s\\]*\(|\b(?:self|cls)[\s\\]*\.[\s\\]*([A-Za-z_][A-Za-z0-9_]*)[\s\\]*\(/g;
/** The same for a text that may hold non-ASCII names (`mayHaveNonAsciiNames`): several times slower. */
const CALLED_NAME_UNICODE = new RegExp(
  // The lookahead first: the lookbehinds then run only where a name starts, not at every space of an indentation.
  String.raw`(?=[\p{L}\p{Nl}_])(?<![.\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}])(?<!\bdef\s+)(${NAME})[\s\\]*\(|\b(?:self|cls)[\s\\]*\.[\s\\]*(${NAME})[\s\\]*\(`,
  'gu',
);

/**
 * Which same-file functions each unit may call, judged from the calls in its own text (a superset of the calls the
 * flow layer resolves: `helper(…)`, `self.helper(…)`), and the order that lets every summary be computed after those
 * it uses. Names per own text are remembered between analyses, so a keystroke re-reads only the units it changed.
 */
export class FlowDependencies {
  private names = new Map<string, readonly string[]>();

  /** `baseKeys[unit.index]` is each unit's base key. */
  plan(units: readonly AnalysisUnit[], baseKeys: readonly string[]): FlowPlan {
    const byName = new Map<string, AnalysisUnit[]>();
    const byNode = new Map<SyntaxNode, AnalysisUnit>();
    for (const unit of units) {
      byNode.set(unit.node, unit);
      if (unit.kind !== 'function') continue;
      const name = unit.name;
      if (!name) continue;
      const list = byName.get(name);
      if (list) list.push(unit);
      else byName.set(name, [unit]);
    }

    const nextNames = new Map<string, readonly string[]>();
    /** By unit index: the same-file functions the unit may call. */
    const callees: AnalysisUnit[][] = new Array(units.length);
    for (const unit of units) {
      let names = nextNames.get(unit.ownText) ?? this.names.get(unit.ownText);
      if (!names) {
        const pattern = mayHaveNonAsciiNames(unit.ownText) ? CALLED_NAME_UNICODE : CALLED_NAME;
        names = [...new Set([...unit.ownText.matchAll(pattern)].map((match) => (match[1] ?? match[2])!))];
      }
      nextNames.set(unit.ownText, names);
      const list: AnalysisUnit[] = [];
      for (const name of names) {
        const found = byName.get(name);
        if (found) for (const callee of found) list.push(callee);
      }
      callees[unit.index] = list;
    }
    this.names = nextNames;

    const { order, component } = stronglyConnected(units, callees);
    const sameCycle = (a: AnalysisUnit, b: AnalysisUnit): boolean => {
      const ca = component[a.index]!;
      return ca >= 0 && ca === component[b.index];
    };
    return {
      functionsCalleesFirst: order,
      unitOf: (node) => byNode.get(node),
      sameCycle,
      keyOf(unit, fingerprintOf) {
        const base = baseKeys[unit.index]!;
        const list = callees[unit.index]!;
        if (list.length === 0) return base;
        const parts = list.map((callee) =>
          sameCycle(unit, callee) ? `~${baseKeys[callee.index]}` : `=${fingerprintOf(callee)}`,
        );
        return `${base}\u0003${parts.join('\u0004')}`;
      },
    };
  }
}

/**
 * Tarjan's strongly connected components of the function units and their calls to each other, iteratively (call
 * chains can be long): components come out callees first, which is the order summaries are computed in. Tables are
 * indexed by unit index; `component` is -1 for units that are not functions.
 */
function stronglyConnected(
  units: readonly AnalysisUnit[],
  callees: readonly (readonly AnalysisUnit[])[],
): { order: AnalysisUnit[]; component: Int32Array } {
  const count = units.length;
  const index = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const component = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  const order: AnalysisUnit[] = [];
  /** The call edges from a function to functions (a call may name a class's method as well as a function). */
  const targetsOf = (at: number): readonly AnalysisUnit[] => callees[at]!;
  let counter = 0;
  let components = 0;
  // The walk's frames: the unit and how many of its targets have been looked at.
  const workUnit: number[] = [];
  const workNext: number[] = [];

  for (const root of units) {
    if (root.kind !== 'function' || index[root.index]! >= 0) continue;
    index[root.index] = low[root.index] = counter++;
    stack.push(root.index);
    onStack[root.index] = 1;
    workUnit.push(root.index);
    workNext.push(0);
    while (workUnit.length > 0) {
      const top = workUnit.length - 1;
      const at = workUnit[top]!;
      const targets = targetsOf(at);
      if (workNext[top]! < targets.length) {
        const target = targets[workNext[top]!++]!;
        if (target.kind !== 'function') continue;
        const to = target.index;
        if (index[to]! < 0) {
          index[to] = low[to] = counter++;
          stack.push(to);
          onStack[to] = 1;
          workUnit.push(to);
          workNext.push(0);
        } else if (onStack[to]) {
          low[at] = Math.min(low[at]!, index[to]!);
        }
        continue;
      }
      workUnit.pop();
      workNext.pop();
      if (workUnit.length > 0) {
        const parent = workUnit[workUnit.length - 1]!;
        low[parent] = Math.min(low[parent]!, low[at]!);
      }
      if (low[at] === index[at]) {
        const id = components++;
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component[member] = id;
          order.push(units[member]!);
        } while (member !== at);
      }
    }
  }
  // A function that names itself is a cycle of one: its recursive calls are unknown too (handled by sameCycle).
  return { order, component };
}
