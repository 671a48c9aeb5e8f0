import type { EditSpec } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { lineEndAt, lineStartAt } from '../../syntax/lineIndex';

/**
 * The edit that adds a keyword argument (`timeout=30`, `usedforsecurity=False`) as the last argument of a call,
 * in the call's own layout. Shared by VG303 request-without-timeout and VG304 weak-hash.
 *   - `f()` → `f(timeout=30)`; `f(a, b=1)` → `f(a, b=1, timeout=30)`; `f(a,)` → `f(a, timeout=30)`
 *   - one argument per line with a trailing comma: a new line with the same indentation, after any comment of the
 *     last argument's line, so the call keeps its shape.
 * Null when the argument list is not complete (a half-typed call, an ERROR inside, a generator argument) or
 * ends in `*args`/`**kwargs` (a keyword after them is valid, but reads as if it were overridden).
 */
export function appendKeywordEdit(call: SyntaxNode, keyword: string): EditSpec | null {
  const list = call.child('arguments');
  if (!list || list.type !== 'argument_list') return null;
  const close = list.children[list.children.length - 1];
  if (!close || close.type !== ')' || close.isMissing) return null;
  if (list.children.some((child) => child.type === 'ERROR' || child.isMissing)) return null;
  const args = list.namedChildren;
  const last = args[args.length - 1];
  if (!last) return { start: close.start, end: close.start, newText: keyword };
  if (last.type === 'list_splat' || last.type === 'dictionary_splat') return null;
  const items = list.children.filter((child) => child.type !== 'comment');
  const after = items[items.indexOf(last) + 1];
  const source = list.source;
  const ownLine = source.slice(lineStartOf(source, last.start), last.start).trim() === '';
  const indent = /^[ \t]*/.exec(source.slice(lineStartOf(source, last.start)))![0];
  if (after && after.type === ',' && !after.isNamed) {
    const lineEnd = endOfLine(source, after.end);
    if (ownLine && lineEnd < close.start && /^[ \t]*(#[^\r\n]*)?$/.test(source.slice(after.end, lineEnd))) {
      return { start: lineEnd, end: lineEnd, newText: `${eolAt(source, lineEnd)}${indent}${keyword},` };
    }
    return { start: after.end, end: after.end, newText: ` ${keyword}` };
  }
  // The last argument alone on its line, `)` on a later one: the keyword goes on a line of its own too.
  const lineEnd = endOfLine(source, last.end);
  if (ownLine && lineEnd < close.start && source.slice(last.end, lineEnd).trim() === '') {
    return { start: last.end, end: last.end, newText: `,${eolAt(source, lineEnd)}${indent}${keyword}` };
  }
  return { start: last.end, end: last.end, newText: `, ${keyword}` };
}

function eolAt(source: string, lineEnd: number): string {
  return source[lineEnd] === '\r' ? '\r\n' : '\n';
}

function lineStartOf(source: string, offset: number): number {
  return lineStartAt(source, offset);
}

/** The offset of the line break that ends the line holding `offset` (before a `\r\n`'s `\r`). */
function endOfLine(source: string, offset: number): number {
  return lineEndAt(source, offset);
}
