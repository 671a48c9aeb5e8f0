import type { SyntaxNode } from '../../syntax/syntaxNode';
import { DEFINITION_TYPES } from '../../syntax/python';

/**
 * Whether `node` belongs to the unit rooted at `unitNode` itself (not to a nested function or class). Findings
 * are cached per unit in offsets of the unit's own text; a `related` location outside it (an assignment in the
 * enclosing module, say) cannot be moved with the unit, so the analyzer does not cache that unit's result at
 * all. Rules that only add related locations this returns true for keep their units cacheable.
 */
export function isInUnit(node: SyntaxNode, unitNode: SyntaxNode): boolean {
  if (!unitNode.contains(node)) return false;
  for (let current = node.parent; current && current !== unitNode; current = current.parent) {
    if (DEFINITION_TYPES.has(current.type)) return false;
  }
  return true;
}
