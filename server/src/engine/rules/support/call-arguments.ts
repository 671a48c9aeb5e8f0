import type { SemanticModel } from '../../semantic/model';
import { callArguments, unparenthesize } from '../../syntax/python';
import type { SyntaxNode } from '../../syntax/syntaxNode';

/**
 * Questions about the arguments of a call that several rules ask: what a flag like `shell=True`,
 * `allow_pickle=True` or `weights_only=True` is set to, and which argument holds the data.
 */

/**
 * The truth value of a constant flag: `True`, `1`, `"yes"`, or a name every binding of which is such a constant
 * (`USE_SHELL = True`). Null when the value is not a constant Vigil can evaluate (a parameter, a call, a setting).
 */
export function constantTruthiness(model: SemanticModel, node: SyntaxNode, depth = 0): boolean | null {
  if (depth > 8) return null;
  const expr = unparenthesize(node);
  switch (expr.type) {
    case 'true':
      return true;
    case 'false':
    case 'none':
      return false;
    case 'integer': {
      const value = Number(expr.text.replace(/_/g, ''));
      return Number.isNaN(value) ? null : value !== 0;
    }
    case 'string':
    case 'concatenated_string': {
      const text = model.constantText(expr);
      return text === null ? null : text.length > 0;
    }
    case 'unary_operator': {
      // `-1` is as true as `1`; `~0` is not a flag anyone writes.
      if (!expr.hasToken('-') && !expr.hasToken('+')) return null;
      const operand = expr.child('argument') ?? expr.firstNamedChild();
      return operand ? constantTruthiness(model, operand, depth + 1) : null;
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'dictionary':
      // A container is true when it has elements, whatever they are: `shell=[False]` runs a shell.
      return expr.namedChildren.some((child) => child.type !== 'comment');
    case 'float': {
      const value = Number(expr.text.replace(/_/g, ''));
      return Number.isNaN(value) ? null : value !== 0;
    }
    case 'not_operator': {
      const operand = expr.child('argument') ?? expr.firstNamedChild();
      const inner = operand ? constantTruthiness(model, operand, depth + 1) : null;
      return inner === null ? null : !inner;
    }
    case 'identifier': {
      if (!model.isConstant(expr)) return null;
      const value = model.singleValue(expr);
      return value && value !== expr ? constantTruthiness(model, value, depth + 1) : null;
    }
    default:
      return null;
  }
}

/** What a keyword flag of a call is set to: 'absent', a constant true/false, or 'unknown' (a variable, or `**kwargs` may set it). */
export type FlagValue = 'absent' | 'true' | 'false' | 'unknown';

/**
 * The value of the flag `name` of a call, also when given positionally at `position` (`numpy.load(f, None, True)`).
 */
export function flagValue(model: SemanticModel, call: SyntaxNode, name: string, position?: number): FlagValue {
  const args = callArguments(call);
  const node = args.keywords.get(name) ?? (position !== undefined ? args.positional[position] : undefined);
  if (!node) return args.hasUnpacking ? 'unknown' : 'absent';
  const truth = constantTruthiness(model, node);
  return truth === null ? 'unknown' : truth ? 'true' : 'false';
}

/** The argument at `index`, or the first of the keyword arguments `names` that is present. */
export function argumentByName(call: SyntaxNode, index: number, names: readonly string[]): SyntaxNode | null {
  const args = callArguments(call);
  const positional = args.positional[index];
  if (positional) return positional;
  for (const name of names) {
    const keyword = args.keywords.get(name);
    if (keyword) return keyword;
  }
  return null;
}
