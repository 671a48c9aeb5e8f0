import type { EditSpec } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { lineStartAt } from '../../syntax/lineIndex';

/**
 * Edits that delete one argument (usually a `name=value` keyword argument) from a call's argument list and
 * leave valid code behind:
 *   - an argument alone on its line(s) in a multi-line call: the whole line goes, with its trailing comma and
 *     comment, so the neighbours and their comments stay untouched;
 *   - otherwise the comma before it goes with it (`f(a, verify=False)` → `f(a)`), or the comma after it when it
 *     is the first argument (`f(verify=False, a)` → `f(a)`).
 * Returns null when the node is not a direct argument of an argument list.
 */
export function removeArgumentEdits(argument: SyntaxNode): EditSpec[] | null {
  const list = argument.parent;
  if (!list || list.type !== 'argument_list') return null;
  const source = argument.source;
  // Children other than comments, in order: `(`, arguments, `,` tokens, `)`.
  const items = list.children.filter((child) => child.type !== 'comment');
  const index = items.indexOf(argument);
  if (index < 0) return null;
  const next = items[index + 1];
  const trailingComma = next && next.type === ',' && !next.isNamed ? next : null;

  const whole = ownLines(source, argument, trailingComma);
  if (whole) return [whole];

  const previous = items[index - 1];
  if (previous && previous.type === ',' && !previous.isNamed) {
    const before = items[index - 2];
    if (!before) return null;
    const between = { start: before.end, end: argument.start };
    if (!hasComment(list, between)) return [{ start: before.end, end: argument.end, newText: '' }];
    // Keep a comment that sits between the two arguments: drop the argument with the comma after it if there is
    // one, else the comma before it and the argument.
    if (trailingComma) return [{ start: argument.start, end: skipBlanks(source, trailingComma.end), newText: '' }];
    return [
      { start: previous.start, end: previous.end, newText: '' },
      { start: argument.start, end: argument.end, newText: '' },
    ];
  }
  // The first argument: take the comma after it and the blanks up to the next argument on the same line.
  if (trailingComma) return [{ start: argument.start, end: skipBlanks(source, trailingComma.end), newText: '' }];
  return [{ start: argument.start, end: argument.end, newText: '' }];
}

/**
 * When the argument (and its comma) is the only thing on its lines, apart from indentation and a comment:
 * the span of those whole lines, newline included.
 */
function ownLines(source: string, argument: SyntaxNode, trailingComma: SyntaxNode | null): EditSpec | null {
  const lineStart = lineStartAt(source, argument.start);
  if (source.slice(lineStart, argument.start).trim() !== '') return null;
  let cursor = trailingComma ? trailingComma.end : argument.end;
  const rest = /^[ \t]*(#[^\r\n]*)?(\r\n|\r|\n)/.exec(source.slice(cursor));
  if (!rest) return null;
  cursor += rest[0].length;
  return { start: lineStart, end: cursor, newText: '' };
}

function hasComment(list: SyntaxNode, span: { start: number; end: number }): boolean {
  return list.children.some((child) => child.type === 'comment' && child.start >= span.start && child.end <= span.end);
}

/** The offset after the spaces and tabs at `offset` (not newlines). */
function skipBlanks(source: string, offset: number): number {
  let end = offset;
  while (end < source.length && (source[end] === ' ' || source[end] === '\t')) end++;
  return end;
}
