import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { constantTruthiness } from './call-arguments';

/**
 * Constant folding for the file-handling rules (VG203, VG204, VG603), guarded against a model recursion.
 *
 * `SemanticModel.isConstant`/`constantText` recurse without bound on a name rebuilt from itself with `str.format()`
 * or `str.join()` (`NAME = "@test"` then `NAME = "{}_{}".format(NAME, pid)`): the use of `NAME` inside the second
 * right-hand side counts that same assignment among its bindings, and the folding of a `.format()` call starts a
 * new `seen` set, so the cycle is never cut and the stack overflows. Until the model is fixed, such a value is
 * treated like any value Vigil cannot fold (not constant, no text), instead of the rule failing for the whole unit.
 */
export function isConstantGuarded(model: SemanticModel, node: SyntaxNode): boolean {
  return guarded(() => model.isConstant(node), false);
}

export function constantTextGuarded(model: SemanticModel, node: SyntaxNode): string | null {
  return guarded(() => model.constantText(node), null);
}

export function constantTruthinessGuarded(model: SemanticModel, node: SyntaxNode): boolean | null {
  return guarded(() => constantTruthiness(model, node), null);
}

function guarded<T>(ask: () => T, fallback: T): T {
  try {
    return ask();
  } catch (error) {
    if (error instanceof RangeError) return fallback;
    throw error;
  }
}
