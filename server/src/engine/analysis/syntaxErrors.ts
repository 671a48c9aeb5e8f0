import type { LineIndex } from '../syntax/lineIndex';
import type { SyntaxTree } from '../syntax/syntaxNode';

/**
 * The 0-based line of the first syntax error tree-sitter recovered from (the earliest ERROR node below the root, or
 * MISSING node), or null when there is none. The tree is walked only when it has errors, and only up to the first.
 */
export function firstSyntaxErrorLine(syntax: SyntaxTree, lineIndex: LineIndex): number | null {
  if (!syntax.hasErrors) return null;
  let first: number | undefined;
  syntax.root.walk((node) => {
    if (first !== undefined && node.start >= first) return false;
    if ((node.type === 'ERROR' && node.parent !== null) || node.isMissing) {
      first = node.start;
      return false;
    }
    return true;
  });
  return first === undefined ? null : lineIndex.positionAt(first).line;
}
