import type { AnalysisUnit } from '../../analysis/units';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { lineBreakOf, lineEndAt, nextLineStart } from '../../syntax/lineIndex';
import type { EditSpec } from '../rule';

/**
 * Fixes that need a module (`secrets`, `hmac`, `ast`, `defusedxml.ElementTree`) ask here how to refer to it:
 * through an existing module-level import when there is one, otherwise through a new `import` statement placed
 * after the module's imports (or after its docstring and `__future__` imports), added once per fix.
 */
export interface ModuleReference {
  /** How the fixed code names the module: `secrets`, or the alias of an existing import. */
  readonly reference: string;
  /** The edit that adds the import, when one is needed. */
  readonly edits: readonly EditSpec[];
}

export function referenceModule(model: SemanticModel, module: string, alias?: string): ModuleReference {
  const scope = model.moduleScope;
  for (const [name, bindings] of scope.bindings) {
    // One binding only: a name imported and then reassigned is not a safe reference.
    if (bindings.length === 1 && bindings[0]!.kind === 'import' && bindings[0]!.qualifiedName === module) {
      return { reference: name, edits: [] };
    }
  }
  const wanted = alias ?? module.split('.').pop()!;
  const free = !scope.bindings.has(wanted) ? wanted : `${wanted}_module`;
  const statement = module.includes('.') || free !== module ? `import ${module} as ${free}` : `import ${module}`;
  return { reference: free === module ? module : free, edits: [insertImport(model.root, statement)] };
}

/**
 * `referenceModule` for a fix that rewrites code at `node`, or null when the reference would not work there:
 * the name is bound in a scope around `node` other than the module (a local `hashlib = ...` hides the import), or
 * the import would be added below `node` in code that runs top to bottom at import time (module or class body).
 */
export function referenceModuleAt(
  model: SemanticModel,
  module: string,
  node: SyntaxNode,
  unit: AnalysisUnit,
  alias?: string,
): ModuleReference | null {
  const reference = referenceModule(model, module, alias);
  const head = reference.reference.split('.')[0]!;
  const home = model.scopeOf(node);
  for (let scope = home; scope.parent; scope = scope.parent) {
    // A class body's names are seen by the class body only, not by the methods in it.
    if ((scope === home || scope.kind !== 'class') && scope.bindings.has(head)) return null;
  }
  if (unit.kind !== 'function' && reference.edits.some((edit) => edit.start > node.start)) return null;
  return reference;
}

const insertions = new WeakMap<SyntaxNode, Map<string, EditSpec>>();

/**
 * Where a new top-level import goes: after the last top-level import, else after the docstring, else at the top.
 * Computed once per module and statement: a file with thousands of findings offering the same import asks as often.
 */
export function insertImport(root: SyntaxNode, statement: string): EditSpec {
  let byStatement = insertions.get(root);
  if (!byStatement) insertions.set(root, (byStatement = new Map()));
  let edit = byStatement.get(statement);
  if (!edit) byStatement.set(statement, (edit = computeInsertImport(root, statement)));
  return edit;
}

function computeInsertImport(root: SyntaxNode, statement: string): EditSpec {
  const statements = root.namedChildren;
  let anchor: SyntaxNode | undefined;
  for (const node of statements) {
    if (node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement') {
      anchor = node;
    } else if (!anchor && node === statements[0] && node.type === 'expression_statement' && node.firstNamedChild()?.type === 'string') {
      anchor = node; // the module docstring
    } else if (anchor || node.type !== 'expression_statement') {
      // Imports below other code are someone's deliberate choice; do not reach past the first real statement.
      if (node.type !== 'if_statement' && node.type !== 'try_statement') break;
    }
  }
  if (!anchor) {
    // After a shebang or coding line, if any.
    const source = root.source;
    let offset = 0;
    for (let line = 0; line < 2; line++) {
      const next = nextLineStart(source, offset);
      if (next === null || !/^(#!|#.*coding[:=])/.test(source.slice(offset, lineEndAt(source, offset)))) break;
      offset = next;
    }
    // Never before the module's first token (blank lines or comments above it are not the module's own text).
    const at = Math.max(offset, root.start);
    return { start: at, end: at, newText: `${statement}${lineBreakOf(source)}`, inModule: true };
  }
  const next = nextLineStart(root.source, anchor.end);
  const at = next ?? root.source.length;
  const newline = lineBreakOf(root.source);
  return { start: at, end: at, newText: next === null ? `${newline}${statement}${newline}` : `${statement}${newline}`, inModule: true };
}
