import type { Finding } from '../findings';
import type { LineIndex } from '../syntax/lineIndex';
import type { SyntaxNode, SyntaxTree } from '../syntax/syntaxNode';

/**
 * Suppression comments, in the three dialects people already type:
 *   `# nosec` / `# nosec B602, B607`        (Bandit)
 *   `# noqa` / `# noqa: S602`                (Ruff, flake8-bandit)
 *   `# vigil: ignore` / `# vigil: ignore[VG102]`, and `# vigil: ignore-file[VG102]` anywhere for the file.
 * A code list names Vigil IDs or names, Bandit IDs or Ruff codes; no list means every rule.
 */

/** `null` = every rule; otherwise the codes listed. */
type CodeList = ReadonlySet<string> | null;

export interface Suppressions {
  readonly byLine: ReadonlyMap<number, CodeList[]>;
  readonly file: readonly CodeList[];
}

const NOSEC = /#\s*nosec\b:?\s*([A-Za-z0-9_,\s-]*)/i;
const NOQA = /#\s*noqa\b(?::\s*([A-Za-z0-9_,\s-]*))?/i;
const VIGIL = /#\s*vigil:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?/i;

function codes(list: string | undefined): CodeList {
  const items = (list ?? '')
    .split(/[\s,]+/)
    .map((code) => code.trim().toUpperCase())
    .filter((code) => /^[A-Z]+[0-9]+$/.test(code) || /^[A-Z][A-Z0-9-]+$/.test(code));
  return items.length > 0 ? new Set(items) : null;
}

export function parseSuppressions(syntax: SyntaxTree, lineIndex: LineIndex): Suppressions {
  const byLine = new Map<number, CodeList[]>();
  const file: CodeList[] = [];
  const add = (line: number, list: CodeList): void => {
    const entries = byLine.get(line);
    if (entries) entries.push(list);
    else byLine.set(line, [list]);
  };
  for (const comment of syntax.comments) {
    const text = comment.text;
    const line = lineIndex.positionAt(comment.start).line;
    const vigil = VIGIL.exec(text);
    if (vigil) {
      if (vigil[1]!.toLowerCase() === 'ignore-file') file.push(codes(vigil[2]));
      else add(line, codes(vigil[2]));
    }
    const nosec = NOSEC.exec(text);
    if (nosec) add(line, codes(nosec[1]?.split('#')[0]));
    const noqa = NOQA.exec(text);
    if (noqa) add(line, codes(noqa[1]?.split('#')[0]));
  }
  return { byLine, file };
}

function matches(list: CodeList, finding: Finding): boolean {
  if (list === null) return true;
  return (
    list.has(finding.ruleId) ||
    list.has(finding.ruleName.toUpperCase()) ||
    finding.bandit.some((code) => list.has(code)) ||
    finding.ruff.some((code) => list.has(code))
  );
}

export function isSuppressed(finding: Finding, suppressions: Suppressions, anchorLine: number): boolean {
  if (suppressions.file.some((list) => matches(list, finding))) return true;
  const lines = new Set([finding.range.start.line, finding.range.end.line, anchorLine]);
  for (const line of lines) {
    if (suppressions.byLine.get(line)?.some((list) => matches(list, finding))) return true;
  }
  return false;
}

/**
 * The line where a suppression comment for a finding goes: the finding's first line, unless a `#` there would
 * not start a comment — the line ends inside a multi-line string, or with a `\` continuation — then the next
 * line where it would.
 */
export function suppressionLine(findingStart: number, syntax: SyntaxTree, lineIndex: LineIndex): number {
  let line = lineIndex.positionAt(findingStart).line;
  const last = lineIndex.lineCount - 1;
  for (let guard = 0; guard < 10_000 && line < last; guard++) {
    const endOfLine = lineIndex.lineContentEnd(line);
    const string = innermostStringAcross(syntax.root, endOfLine);
    if (string) {
      const next = lineIndex.positionAt(string.end).line;
      if (next <= line) return line;
      line = next;
    } else if (lineIndex.lineText(line).endsWith('\\')) {
      line++;
    } else {
      return line;
    }
  }
  return line;
}

/** The innermost string that starts before `offset` and ends after it (children are searched by bisection). */
function innermostStringAcross(root: SyntaxNode, offset: number): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  let node: SyntaxNode | undefined = root;
  while (node) {
    const children: SyntaxNode[] = node.children;
    let low = 0;
    let high = children.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (children[mid]!.end <= offset) low = mid + 1;
      else high = mid;
    }
    const next: SyntaxNode | undefined = children[low];
    if (!next || !(next.start < offset && offset < next.end)) break;
    if (next.type === 'string' || next.type === 'concatenated_string') found = next;
    node = next;
  }
  return found;
}
