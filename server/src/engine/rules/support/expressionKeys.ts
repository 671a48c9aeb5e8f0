import type { SyntaxNode } from '../../syntax/syntaxNode';

/**
 * A key for recognising the same expression written twice in one unit (`result['socket']` in a check and in the
 * call it guards): its text without whitespace and with one quote style. Textual on purpose: it is only used to
 * find a guard or an earlier check, where treating two spellings of one value as different costs a finding that
 * should not be there and nothing more.
 */
export function expressionKey(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, '').replace(/"/g, "'");
}
