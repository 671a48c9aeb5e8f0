import type { AnalysisUnit } from '../../analysis/units';
import type { SemanticModel } from '../../semantic/model';
import type { Scope } from '../../semantic/scopes';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import type { EditSpec } from '../rule';
import { referenceModuleAt } from './imports';

/**
 * How a fix of VG403/VG404/VG702 names a module member (`secrets.choice`, `hmac.compare_digest`,
 * `jinja2.select_autoescape`) at the place it edits:
 *   - through an existing module-level `from module import member [as alias]` (one binding, never rebound, not
 *     hidden by a local name where the fix writes it);
 *   - else through `referenceModuleAt` (an existing `import module [as alias]`, or one new `import module` added
 *     once; null when a local name would hide it or the import would land below module-level code that uses it).
 */
export interface MemberReference {
  /** The code that names the member: `compare_digest`, `hmac.compare_digest`, `jinja2.select_autoescape`. */
  readonly code: string;
  /** The edit that adds an import, when one is needed. */
  readonly edits: readonly EditSpec[];
}

export function referenceMember(
  model: SemanticModel,
  module: string,
  member: string,
  at: SyntaxNode,
  unit: AnalysisUnit,
): MemberReference | null {
  const qualified = `${module}.${member}`;
  for (const [name, bindings] of model.moduleScope.bindings) {
    if (bindings.length === 1 && bindings[0]!.kind === 'import' && bindings[0]!.qualifiedName === qualified && !hiddenAt(model, name, at)) {
      return { code: name, edits: [] };
    }
  }
  const reference = referenceModuleAt(model, module, at, unit);
  return reference ? { code: `${reference.reference}.${member}`, edits: reference.edits } : null;
}

/** Whether `name` is bound in a scope around `at` other than the module (a local variable hides the import). */
function hiddenAt(model: SemanticModel, name: string, at: SyntaxNode): boolean {
  const home = model.scopeOf(at);
  for (let scope: Scope | null = home; scope && scope.parent; scope = scope.parent) {
    if ((scope === home || scope.kind !== 'class') && scope.bindings.has(name)) return true;
  }
  return false;
}
