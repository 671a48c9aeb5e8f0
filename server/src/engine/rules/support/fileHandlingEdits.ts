import type { EditSpec } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { lineStartAt, nextLineStart } from '../../syntax/lineIndex';
import { referenceModule, type ModuleReference } from './imports';

/**
 * Edits shared by the file-handling rules (VG203 xml-unsafe-parser, VG204 tarfile-unsafe-extraction, VG603
 * insecure-temp-file): adding a keyword argument to a call, replacing a statement with several lines, and keeping
 * import insertions from colliding with each other.
 */

/**
 * The edit that adds `keyword` (e.g. `filter="data"`) as the last argument of a call, in the call's own style:
 *   - `f()` → `f(filter="data")`;
 *   - `f(a, b)` → `f(a, b, filter="data")`, with a comment after the last argument left after it;
 *   - a multi-line call whose last argument sits on its own line gets the keyword on a new line with the same
 *     indentation, keeping (or not adding) a trailing comma as the call already does.
 * Null when the call has no closing parenthesis (a call recovered from a syntax error) or the argument list is
 * not an ordinary one (a lone generator expression).
 */
export function appendKeywordArgument(call: SyntaxNode, keyword: string): EditSpec | null {
  const list = call.child('arguments');
  if (!list || list.type !== 'argument_list') return null;
  const source = call.source;
  const items = list.children.filter((child) => child.type !== 'comment');
  const open = items[0];
  const close = items.at(-1);
  if (!open || open.type !== '(' || !close || close.type !== ')' || close.isMissing || items.length < 2) return null;
  const inner = items.slice(1, -1);
  if (inner.some((item) => item.isError || item.isMissing)) return null;
  if (inner.length === 0) return { start: open.end, end: open.end, newText: keyword };
  const trailingComma = inner.at(-1)!.type === ',' && !inner.at(-1)!.isNamed ? inner.at(-1)! : null;
  const last = trailingComma ? inner.at(-2) : inner.at(-1);
  if (!last || !last.isNamed) return null;
  const indent = ownLineIndent(last);
  const closeOnOwnLine = ownLineIndent(close) !== null;
  if (indent !== null && closeOnOwnLine) {
    // One argument per line: a new line after the last one, with the call's trailing-comma habit.
    const lineEnd = lineEndAfter(source, trailingComma ? trailingComma.end : last.end);
    if (lineEnd === null) return null;
    if (trailingComma) return { start: lineEnd, end: lineEnd, newText: `${indent}${keyword},\n` };
    // No trailing comma: put the comma right after the last argument (before any comment on its line).
    return { start: last.end, end: last.end, newText: `,\n${indent}${keyword}` };
  }
  if (trailingComma) return { start: trailingComma.end, end: trailingComma.end, newText: ` ${keyword}` };
  return { start: last.end, end: last.end, newText: `, ${keyword}` };
}

/** The whitespace before `node` on its line when nothing else precedes it there; null otherwise. */
export function ownLineIndent(node: SyntaxNode): string | null {
  const source = node.source;
  const lineStart = lineStartAt(source, node.start);
  const before = source.slice(lineStart, node.start);
  return /^[ \t]*$/.test(before) ? before : null;
}

/** The offset just after the newline that ends the line containing `offset` (null when the text ends first). */
function lineEndAfter(source: string, offset: number): number | null {
  return nextLineStart(source, offset);
}

/**
 * Edits ready to report: insertions that fall where another edit starts are folded into it (their text goes
 * first, in the given order), so no editor has to decide in which order two edits at one offset apply.
 */
export function mergeEdits(edits: readonly EditSpec[]): EditSpec[] {
  const result: EditSpec[] = [];
  for (const edit of edits) {
    const sameStart = result.findIndex((other) => other.start === edit.start && (other.start === other.end || edit.start === edit.end));
    if (sameStart === -1) {
      result.push(edit);
      continue;
    }
    const other = result[sameStart]!;
    // Keep an insertion before a replacement that starts at the same offset, otherwise keep the given order.
    const [first, second] = other.start === other.end ? [other, edit] : [edit, other];
    result[sameStart] = { start: other.start, end: Math.max(other.end, edit.end), newText: first.newText + second.newText };
  }
  return result;
}

/**
 * Like `referenceModule`, but also reuses a plain dotted import of the module itself (after
 * `import defusedxml.minidom` the fix can write `defusedxml.minidom.parse` without adding an import), and keeps a
 * new import inside the module's own text.
 *
 * Why the second part: the module node starts at the first token, after any leading blank lines, but
 * `insertImport` puts the import of a module without imports or docstring at offset 0. That offset lies outside the
 * module unit's own text, so a finding analysed from scratch carries it as an absolute offset, while the same
 * finding reused from the cache after blank lines were added or removed at the top of the file (the module's own
 * text, hence its cache key, is unchanged) places it at the module node's start: incremental and from-scratch
 * results differ. Inserting at the module node's start instead gives the same text either way (the import goes
 * after the leading blank lines).
 */
export function referenceDottedModule(model: SemanticModel, module: string): ModuleReference {
  const head = module.split('.')[0]!;
  const bindings = model.moduleScope.bindings.get(head);
  if (module.includes('.') && bindings && bindings.every((binding) => binding.kind === 'import' && binding.qualifiedName === head)) {
    const imported = bindings.some((binding) => {
      const dotted = binding.node.parent;
      return dotted?.type === 'dotted_name' && dotted.text.replace(/\s+/g, '') === module && dotted.parent?.type === 'import_statement';
    });
    if (imported) return { reference: module, edits: [] };
  }
  return referenceModuleInModuleText(model, module);
}

/** `referenceModule` with the new import kept inside the module node (see `referenceDottedModule`). */
export function referenceModuleInModuleText(model: SemanticModel, module: string): ModuleReference {
  const found = referenceModule(model, module);
  const rootStart = model.root.start;
  return {
    reference: found.reference,
    edits: found.edits.map((edit) =>
      edit.start < rootStart && edit.start === edit.end ? { start: rootStart, end: rootStart, newText: edit.newText } : edit,
    ),
  };
}
