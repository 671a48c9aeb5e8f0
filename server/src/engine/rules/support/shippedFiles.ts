import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';

/** Functions that open a file by path: `pickle.load(open("cache.pkl", "rb"))` reads a fixed file. */
const OPENERS: ReadonlySet<string> = new Set(['open', 'io.open', 'gzip.open', 'bz2.open', 'lzma.open', 'codecs.open', 'builtins.open']);

/**
 * Whether a value names or holds a file at a fixed path — a constant path, `open(CONSTANT)`, or the `fh` of
 * `with open(CONSTANT) as fh` — that is, most often a file the program ships (a model, a configuration, a data
 * file). Issue 6's precision rule: such a file is not attacker input, so the deserialization and parsing rules
 * (VG201, VG202, VG203) report it as a note at most.
 */
export function isShippedFile(model: SemanticModel, file: SyntaxNode, depth = 0): boolean {
  const expr = unparenthesize(file);
  if (model.isConstant(expr)) return true;
  if (depth > 4) return false;
  if (expr.type === 'call') {
    const callee = model.calleeQualifiedName(expr);
    const path = callArguments(expr).positional[0];
    return !!callee && OPENERS.has(callee) && !!path && model.isConstant(path);
  }
  if (expr.type === 'identifier') {
    const bindings = model.bindingsOf(expr);
    return (
      bindings.length > 0 &&
      bindings.every(
        (binding) => (binding.kind === 'with' || binding.kind === 'assignment') && !!binding.value && isShippedFile(model, binding.value, depth + 1),
      )
    );
  }
  return false;
}

/** The sentence a note on a shipped file ends with. */
export const SHIPPED_FILE_NOTE = 'it reads a file at a fixed path, most likely one the program ships: safe as long as only its authors can write that file';
