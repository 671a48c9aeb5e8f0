import type { Finding } from '../findings';
import type { LineIndex } from '../syntax/lineIndex';
import { nodeAt, type SyntaxNode, type SyntaxTree } from '../syntax/syntaxNode';

/**
 * What identifies a finding across versions of its file, for baselines and for telling moved code from new code:
 * the rule, the enclosing definitions (`class Api > def get(self, request_id)`) and the normalised code of the
 * flagged statement. Not its line, not its message: inserting lines above a finding, reformatting it, editing
 * comments or other statements of the function keep the key; editing the statement itself, renaming or re-typing
 * the function's parameters, or moving it into another function change it.
 *
 * Normalised code is the statement's tokens joined by one space: whitespace, line breaks, line continuations and
 * comments do not count; string contents do (their line breaks read as `\n`). For a compound statement (`if`,
 * `with`, `def`…) only its header counts, never the bodies it holds. The key is plain text and may quote a secret
 * from the code: a baseline file stores only a hash of it (with the file's path).
 */
export function findingKey(finding: Finding, syntax: SyntaxTree, lineIndex: LineIndex): string {
  const offset = lineIndex.offsetAt(finding.range.start);
  const deepest = nodeAt(syntax.root, offset);
  const statement = deepest ? statementOf(deepest) : null;
  const code = statement ? normalisedCode(statement, true) : normaliseSpace(lineIndex.lineText(finding.range.start.line));
  return `${finding.ruleId}\n${scopeOf(statement)}\n${code}`;
}

/** The keys of `findings`, in order. */
export function findingKeys(findings: readonly Finding[], syntax: SyntaxTree, lineIndex: LineIndex): string[] {
  return findings.map((finding) => findingKey(finding, syntax, lineIndex));
}

const STATEMENT_PARENTS = new Set(['module', 'block']);

/** The statement holding `node`: the ancestor-or-self whose parent is the module or a block. */
function statementOf(node: SyntaxNode): SyntaxNode | null {
  let current: SyntaxNode | null = node;
  while (current && current.parent && !STATEMENT_PARENTS.has(current.parent.type)) current = current.parent;
  return current && current.parent ? current : null;
}

/** `class A > def f(self, x)`: the classes and functions around the statement, outermost first. */
function scopeOf(statement: SyntaxNode | null): string {
  const parts: string[] = [];
  for (let node = statement?.parent ?? null; node; node = node.parent) {
    if (node.type === 'function_definition') {
      const name = node.child('name')?.text ?? '';
      const parameters = node.child('parameters');
      parts.push(`def ${name}${parameters ? normalisedCode(parameters, false) : ''}`);
    } else if (node.type === 'class_definition') {
      parts.push(`class ${node.child('name')?.text ?? ''}`);
    }
  }
  return parts.reverse().join(' > ');
}

const SKIPPED_LEAVES = new Set(['comment', 'line_continuation']);

/** The node's tokens joined by one space; with `headerOnly`, the bodies (blocks) of compound statements left out. */
function normalisedCode(node: SyntaxNode, headerOnly: boolean): string {
  const tokens: string[] = [];
  node.walk((child) => {
    if (SKIPPED_LEAVES.has(child.type)) return false;
    if (headerOnly && child !== node && child.type === 'block') return false;
    if (child.children.length === 0) {
      const text = child.text.replace(/\r\n?/g, '\n');
      if (text.trim() !== '' || child.type === 'string_content') tokens.push(text);
    }
    return true;
  });
  return tokens.join(' ');
}

function normaliseSpace(text: string): string {
  return text.replace(/#.*$/, '').trim().split(/\s+/).join(' ');
}
