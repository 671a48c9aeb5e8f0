import type { Finding, Range } from '../findings';
import { BANDIT_CODES, RUFF_CODES } from '../rules/equivalents';
import type { RuleMeta } from '../rules/rule';
import type { LineIndex } from '../syntax/lineIndex';
import type { SyntaxNode, SyntaxTree } from '../syntax/syntaxNode';

/**
 * Suppression comments, in the dialects people already type:
 *   `# nosec` / `# nosec B602, B607` / `# nosec: reason`  (Bandit; words that are not codes are a reason)
 *   `# noqa` / `# noqa: S602`, and `# ruff: noqa: S602` anywhere for the file  (Ruff, flake8-bandit)
 *   `# vigil: ignore` / `# vigil: ignore[VG102]`, and `# vigil: ignore-file[VG102]` anywhere for the file.
 * A code list names Vigil IDs or names, Bandit IDs (or Bandit test names after `# nosec`) or Ruff codes; no list
 * means every rule. A comment on any line of a statement (or of a compound statement's header) covers the findings
 * of that statement, as Bandit reads `# nosec` on a multi-line call.
 *
 * Which directives suppressed something is recorded (`SuppressionUsage`), so hosts can report the ones that
 * suppress nothing (`UnusedSuppression`): the engine says which, the CLI and the editor render them.
 */

/** Which tool's comment a directive is written in. `noqa-file` is `# ruff: noqa`, `vigil-file` `# vigil: ignore-file`. */
export type SuppressionDialect = 'nosec' | 'noqa' | 'noqa-file' | 'vigil' | 'vigil-file';

/** One suppression directive in a comment (a comment may hold several: `# nosec  # noqa: S602`). */
export interface SuppressionDirective {
  readonly dialect: SuppressionDialect;
  /** 0-based line of the comment. */
  readonly line: number;
  /** UTF-16 offsets of the directive in the text: from its `#` to the end of its code list. */
  readonly start: number;
  readonly end: number;
  /** The codes listed, upper-cased (Bandit test names turned into their IDs); null = every rule. */
  readonly codes: readonly string[] | null;
}

export interface Suppressions {
  readonly directives: readonly SuppressionDirective[];
  /** Line directives by their line. */
  readonly byLine: ReadonlyMap<number, readonly SuppressionDirective[]>;
  /** Directives for the whole file (`# vigil: ignore-file`, `# ruff: noqa`). */
  readonly file: readonly SuppressionDirective[];
}

export interface SuppressionOptions {
  /** Leave `# nosec` and `# noqa` (Bandit's and Ruff's comments) out, as Bandit's `--ignore-nosec` does. */
  readonly ignoreNosec?: boolean;
}

const NOSEC = /#\s*nosec\b:?([^#]*)/gi;
const NOQA_FILE = /#\s*(?:ruff|flake8)\s*:\s*noqa\b(?:\s*:([^#]*))?/gi;
const NOQA = /#\s*noqa\b(?:\s*:([^#]*))?/gi;
const VIGIL = /#\s*vigil:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?/gi;
/** A word every directive above holds: comments without one (nearly all) are skipped with one test. */
const ANY_DIRECTIVE = /nosec|noqa|vigil/i;
/**
 * The comments known to hold no `ANY_DIRECTIVE` word: a comment's copy is only ever moved to another tree with the
 * same text (`copyTree`), so a keystroke reads only the comments of the subtrees tree-sitter rebuilt.
 */
const withoutDirective = new WeakSet<SyntaxNode>();

const BANDIT_BY_NAME = new Map(BANDIT_CODES.map((code) => [code.name.toUpperCase(), code.code]));
const FOREIGN = new Set([...BANDIT_CODES, ...RUFF_CODES].map((code) => code.code));
/** Vigil IDs and names, and the rules they come from, set by `knowRules` (this module does not import the registry). */
let vigilCodes: ReadonlySet<string> | undefined;
let knownRules: readonly RuleMeta[] = [];

/**
 * Tells this module which rules exist, for reading `# nosec` (whose words are codes only when some tool knows them)
 * and for judging unknown codes. The analyzer calls it with the registry's rules.
 */
export function knowRules(rules: readonly RuleMeta[]): void {
  if (rules === knownRules) return;
  knownRules = rules;
  vigilCodes = new Set(rules.flatMap((meta) => [meta.id, meta.name.toUpperCase()]));
}

function splitCodes(list: string | undefined): string[] {
  return (list ?? '')
    .split(/[\s,;]+/)
    .map((code) => code.trim().replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').toUpperCase())
    .filter(Boolean);
}

/** `# nosec` codes: only words Bandit, Ruff or Vigil know; none known means a blanket `# nosec` with a reason. */
function nosecCodes(list: string | undefined): string[] | null {
  const codes: string[] = [];
  for (const word of splitCodes(list)) {
    const code = BANDIT_BY_NAME.get(word) ?? word;
    if (FOREIGN.has(code) || vigilCodes?.has(code)) codes.push(code);
  }
  return codes.length > 0 ? codes : null;
}

/** `# noqa:` codes as Ruff reads them: code-shaped words (any linter's) up to the first word that is not one. */
function noqaCodes(list: string): string[] {
  const codes: string[] = [];
  for (const word of list.trim().split(/[\s,]+/)) {
    if (!/^[A-Za-z]+[0-9]+$/.test(word)) break;
    codes.push(word.toUpperCase());
  }
  return codes;
}

/** Reads every suppression directive of a file's comments. */
export function parseSuppressions(syntax: SyntaxTree, lineIndex: LineIndex, options: SuppressionOptions = {}): Suppressions {
  const directives: SuppressionDirective[] = [];
  for (const comment of syntax.comments) {
    if (withoutDirective.has(comment)) continue;
    const text = comment.text;
    if (!ANY_DIRECTIVE.test(text)) {
      withoutDirective.add(comment);
      continue;
    }
    const line = lineIndex.positionAt(comment.start).line;
    const add = (dialect: SuppressionDialect, match: RegExpExecArray, codes: readonly string[] | null): void => {
      const trimmed = match[0].replace(/\s+$/, '');
      directives.push({ dialect, line, start: comment.start + match.index, end: comment.start + match.index + trimmed.length, codes });
    };
    for (const match of text.matchAll(VIGIL)) {
      const codes = splitCodes(match[2]);
      add(match[1]!.toLowerCase() === 'ignore-file' ? 'vigil-file' : 'vigil', match, codes.length > 0 ? codes : null);
    }
    if (options.ignoreNosec) continue;
    for (const match of text.matchAll(NOSEC)) add('nosec', match, nosecCodes(match[1]));
    const fileWide = new Set<number>();
    for (const match of text.matchAll(NOQA_FILE)) {
      fileWide.add(match.index + match[0].search(/noqa/i));
      if (match[1] === undefined) add('noqa-file', match, null);
      else {
        const codes = noqaCodes(match[1]);
        // `# ruff: noqa:` with no code is not a directive (Ruff warns about it and ignores it).
        if (codes.length > 0) add('noqa-file', match, codes);
      }
    }
    for (const match of text.matchAll(NOQA)) {
      if (fileWide.has(match.index + match[0].search(/noqa/i))) continue;
      if (match[1] === undefined) add('noqa', match, null);
      else {
        const codes = noqaCodes(match[1]);
        if (codes.length > 0) add('noqa', match, codes);
      }
    }
  }
  const byLine = new Map<number, SuppressionDirective[]>();
  const file: SuppressionDirective[] = [];
  for (const directive of directives) {
    if (directive.dialect === 'vigil-file' || directive.dialect === 'noqa-file') file.push(directive);
    else {
      const entries = byLine.get(directive.line);
      if (entries) entries.push(directive);
      else byLine.set(directive.line, [directive]);
    }
  }
  return { directives, byLine, file };
}

type Coded = Pick<Finding, 'ruleId' | 'ruleName' | 'bandit' | 'ruff'>;

/** Whether `code` (upper-cased) names this finding: its rule's ID or name, or one of its Bandit or Ruff codes. */
function codeNames(code: string, finding: Coded): boolean {
  return code === finding.ruleId || code === finding.ruleName.toUpperCase() || finding.bandit.includes(code) || finding.ruff.includes(code);
}

/** The rules a code names (by ID, name, Bandit or Ruff code). */
function rulesNamed(code: string, rules: readonly RuleMeta[]): RuleMeta[] {
  return rules.filter((meta) => codeNames(code, { ruleId: meta.id, ruleName: meta.name, bandit: meta.bandit, ruff: meta.ruff }));
}

/**
 * Applies a file's suppressions to its findings and remembers which directives (and which of their codes) hid
 * something. Every directive covering a finding is marked used, not just the first: `# nosec  # noqa: S602` on
 * one line are both needed when Bandit and Ruff also run.
 */
export class SuppressionUsage {
  private readonly used = new Map<SuppressionDirective, Set<string> | true>();

  constructor(
    readonly suppressions: Suppressions,
    private readonly text: string,
    private readonly syntax: SyntaxTree,
    private readonly lineIndex: LineIndex,
  ) {}

  /** Whether some directive covers `finding` (marking each that does). */
  suppresses(finding: Finding): boolean {
    const { byLine, file } = this.suppressions;
    if (byLine.size === 0 && file.length === 0) return false;
    let hit = false;
    for (const directive of file) hit = this.match(directive, finding) || hit;
    if (byLine.size > 0) {
      for (const line of this.linesOf(finding)) {
        for (const directive of byLine.get(line) ?? []) hit = this.match(directive, finding) || hit;
      }
    }
    return hit;
  }

  private match(directive: SuppressionDirective, finding: Finding): boolean {
    if (directive.codes === null) {
      this.used.set(directive, true);
      return true;
    }
    let hit = false;
    for (const code of directive.codes) {
      if (!codeNames(code, finding)) continue;
      hit = true;
      let codes = this.used.get(directive);
      if (codes === undefined) this.used.set(directive, (codes = new Set()));
      if (codes !== true) codes.add(code);
    }
    return hit;
  }

  /**
   * The lines whose comments cover a finding: its first and last line, the line a suppression comment for it
   * goes on (`suppressionLine`), and every line of its statement (a compound statement's header only).
   */
  private linesOf(finding: Finding): Set<number> {
    const { lineIndex, syntax } = this;
    const offset = lineIndex.offsetAt(finding.range.start);
    const lines = new Set([finding.range.start.line, finding.range.end.line, suppressionLine(offset, syntax, lineIndex)]);
    const statement = statementAt(syntax.root, offset);
    if (statement) {
      const last = lineIndex.positionAt(statement.end).line;
      for (let line = lineIndex.positionAt(statement.start).line; line <= last; line++) lines.add(line);
    }
    return lines;
  }

  /**
   * The directives that suppress nothing, with the codes of theirs that hid no finding. Judged only what the run
   * could see: a code is judged when every rule it names ran (`ran`); a code no rule knows only in Vigil's own
   * comments (elsewhere it may be another tool's); a blanket `# nosec` or `# vigil: ignore` only when every rule ran;
   * a blanket `# noqa` never (it serves every linter). Findings a selection hides still count as suppressed: the
   * comment is needed by the runs that select them.
   */
  unused(ran: readonly RuleMeta[], all: readonly RuleMeta[] = knownRules): UnusedSuppression[] {
    const ranIds = new Set(ran.map((meta) => meta.id));
    const everyRuleRan = all.every((meta) => ranIds.has(meta.id));
    const result: UnusedSuppression[] = [];
    for (const directive of this.suppressions.directives) {
      const used = this.used.get(directive);
      if (used === true) continue;
      const own = directive.dialect === 'vigil' || directive.dialect === 'vigil-file';
      const range = { start: this.lineIndex.positionAt(directive.start), end: this.lineIndex.positionAt(directive.end) };
      const text = this.text.slice(directive.start, directive.end);
      if (directive.codes === null) {
        if (directive.dialect !== 'noqa' && directive.dialect !== 'noqa-file' && everyRuleRan) {
          result.push({ dialect: directive.dialect, range, text, codes: [], unknown: [], whole: true });
        }
        continue;
      }
      const codes: string[] = [];
      const unknown: string[] = [];
      let judged = 0;
      for (const code of directive.codes) {
        if (used?.has(code)) continue;
        const named = rulesNamed(code, all);
        if (named.length === 0) {
          if (own) {
            unknown.push(code);
            judged++;
          }
          continue;
        }
        if (named.every((meta) => ranIds.has(meta.id))) {
          codes.push(code);
          judged++;
        }
      }
      if (codes.length + unknown.length === 0) continue;
      result.push({ dialect: directive.dialect, range, text, codes, unknown, whole: judged === directive.codes.length && used === undefined });
    }
    return result;
  }
}

/** A suppression directive that hides no finding (see `SuppressionUsage.unused`). */
export interface UnusedSuppression {
  readonly dialect: SuppressionDialect;
  /** The directive in the comment, from its `#` to the end of its code list. */
  readonly range: Range;
  /** The directive as written. */
  readonly text: string;
  /** Its codes that hid no finding; empty for a directive without codes (which hid nothing at all). */
  readonly codes: readonly string[];
  /** Its codes that no rule has (only judged in `# vigil:` comments). */
  readonly unknown: readonly string[];
  /** Nothing in the directive is needed: the whole directive can go. */
  readonly whole: boolean;
}

/** The message every host shows for an unused suppression (Ruff's RUF100 says "Unused `noqa` directive"). */
export function unusedSuppressionMessage(unused: UnusedSuppression): string {
  const parts = [
    ...(unused.codes.length > 0 ? [`unused: ${unused.codes.join(', ')}`] : []),
    ...(unused.unknown.length > 0 ? [`unknown: ${unused.unknown.join(', ')}`] : []),
  ];
  const detail = parts.length > 0 ? parts.join('; ') : 'no finding here to suppress';
  return `Unused suppression \`${unused.text}\` (${detail})`;
}

/** Node types that are statements (or clauses of one) even when their parent is not a block. */
const CLAUSES = new Set([
  'elif_clause',
  'else_clause',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'case_clause',
  'decorator',
  'function_definition',
  'class_definition',
]);

/**
 * The span of the innermost statement holding `offset`: a simple statement whole, a compound statement (or
 * clause) up to the end of its header (the `:` before its body). Null outside any statement.
 */
function statementAt(root: SyntaxNode, offset: number): { start: number; end: number } | null {
  let found: SyntaxNode | null = null;
  for (const { parent, node } of nodesAround(root, offset, true)) {
    if (node.type !== 'comment' && (parent.type === 'module' || parent.type === 'block' || CLAUSES.has(node.type))) found = node;
  }
  if (!found) return null;
  const body = found.children.findIndex((child) => child.type === 'block');
  if (body <= 0) return { start: found.start, end: found.end };
  return { start: found.start, end: found.children[body - 1]!.end };
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
  for (const { node } of nodesAround(root, offset, false)) {
    if (node.type === 'string' || node.type === 'concatenated_string') found = node;
  }
  return found;
}

/**
 * The nodes around `offset`, outermost first, each with its parent, found by bisecting each node's children (a
 * deep tree costs its depth times a logarithm). `fromStart`: a node that starts at `offset` counts as around it.
 */
function* nodesAround(root: SyntaxNode, offset: number, fromStart: boolean): Generator<{ parent: SyntaxNode; node: SyntaxNode }> {
  let node: SyntaxNode = root;
  for (;;) {
    const children: readonly SyntaxNode[] = node.children;
    let low = 0;
    let high = children.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (children[mid]!.end <= offset) low = mid + 1;
      else high = mid;
    }
    const next = children[low];
    if (!next || !(fromStart ? next.start <= offset : next.start < offset) || offset >= next.end) return;
    yield { parent: node, node: next };
    node = next;
  }
}
