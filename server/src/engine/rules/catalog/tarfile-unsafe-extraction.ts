import { defineRule, type FixSpec, type Report } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, stringLiteralValue, unparenthesize } from '../../syntax/python';
import { forEachNodeInUnit } from '../../analysis/units';
import { appendKeywordArgument } from '../support/fileHandlingEdits';
import { constantTextGuarded, isConstantGuarded } from '../support/fileHandlingValues';
import { parameterAnnotation } from '../support/tls';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/** Calls that return a `tarfile.TarFile`. */
const TAR_FACTORIES = new Set([
  'tarfile.open',
  'tarfile.TarFile',
  'tarfile.TarFile.open',
  'tarfile.TarFile.taropen',
  'tarfile.TarFile.gzopen',
  'tarfile.TarFile.bz2open',
  'tarfile.TarFile.xzopen',
  'tarfile.TarFile.zstopen',
]);

/** Filters that do not filter: the pre-3.14 behaviour, spelled out. */
const TRUSTING_FILTERS = new Set(['fully_trusted']);
const TRUSTING_FILTER_NAMES = new Set(['tarfile.fully_trusted_filter']);

/** File names `shutil.unpack_archive` unpacks with `zipfile`, which never writes outside the target directory. */
const ZIP_EXTENSIONS = /\.zip$/i;

/** File names `shutil.unpack_archive` unpacks with `tarfile` (so a `filter` argument is accepted). */
const TAR_EXTENSIONS = /\.(tar|tgz|tbz2?|txz|tzst|tar\.(gz|bz2|xz|zst))$/i;

/** Conditions that choose between a filtered and an unfiltered call for old Pythons. */
const COMPATIBILITY_CONDITION = /data_filter|extraction_filter|version_info|hexversion|PY3\d|PY_3\d|python_version/;

interface TarObject {
  /** Where the archive was opened (a call, an assignment, a `with` item or an annotated parameter). */
  readonly origin: SyntaxNode;
  readonly how: 'opened' | 'declared';
}

/** What a receiver is, when it is certainly a `TarFile`: opened right there, bound to one, or annotated as one. */
function resolveTar(model: SemanticModel, receiver: SyntaxNode): TarObject | null {
  const expr = unparenthesize(receiver);
  if (expr.type === 'call') {
    return TAR_FACTORIES.has(model.calleeQualifiedName(expr) ?? '') ? { origin: expr, how: 'opened' } : null;
  }
  if (expr.type !== 'identifier') return null;
  const bindings = model.bindingsOf(expr);
  if (bindings.length === 0) return null;
  let found: TarObject | null = null;
  for (const binding of bindings) {
    let tar: TarObject | null = null;
    if ((binding.kind === 'assignment' || binding.kind === 'walrus' || binding.kind === 'with') && binding.value) {
      const value = unparenthesize(binding.value);
      if (value.type === 'call' && TAR_FACTORIES.has(model.calleeQualifiedName(value) ?? '')) {
        const holder = binding.node.parent;
        const origin = holder && holder.type !== 'as_pattern_target' ? holder : value;
        tar = { origin, how: 'opened' };
      }
    } else if (binding.kind === 'parameter') {
      const annotation = parameterAnnotation(binding);
      const type = annotation ? model.qualifiedName(annotation) : null;
      if (type === 'tarfile.TarFile') tar = { origin: binding.node.parent ?? binding.node, how: 'declared' };
    }
    // Every way the name gets its value must be a tar archive; the last one before the use is shown.
    if (!tar) return null;
    found = tar;
  }
  return found;
}

type MembersVerdict = 'absent' | 'unfiltered' | 'filtered';

/**
 * Whether a `members=` argument narrows what is extracted. A call to a function (`safe_members(tar)`), a
 * comprehension with an `if`, or anything Vigil cannot see through counts as a filter; `None`, `tar.getmembers()`
 * and a comprehension that keeps every member do not.
 */
function judgeMembers(model: SemanticModel, node: SyntaxNode | undefined, depth = 0): MembersVerdict {
  if (!node) return 'absent';
  const expr = unparenthesize(node);
  if (expr.type === 'none') return 'unfiltered';
  if (expr.type === 'call') return isGetMembers(expr) ? 'unfiltered' : 'filtered';
  if (expr.type === 'list_comprehension' || expr.type === 'generator_expression') {
    if (expr.namedChildren.some((child) => child.type === 'if_clause')) return 'filtered';
    const body = expr.child('body');
    const clause = expr.namedChildren.find((child) => child.type === 'for_in_clause');
    const iterable = clause?.child('right');
    const target = clause?.child('left');
    // `[m for m in tar.getmembers()]` keeps every member as it is.
    if (iterable && body && target && body.text === target.text && judgeMembers(model, iterable, depth + 1) === 'unfiltered') {
      return 'unfiltered';
    }
    return 'filtered';
  }
  if (expr.type === 'identifier' && depth < 4) {
    const value = model.singleValue(expr);
    if (value && value !== expr) return judgeMembers(model, value, depth + 1);
  }
  return 'filtered';
}

function isGetMembers(call: SyntaxNode): boolean {
  const fn = call.child('function');
  return fn?.type === 'attribute' && fn.child('attribute')?.text === 'getmembers' && (call.child('arguments')?.namedChildren.length ?? 0) === 0;
}

type FilterVerdict = { readonly kind: 'absent' } | { readonly kind: 'trusting'; readonly node: SyntaxNode } | { readonly kind: 'set' };

/** What the `filter=` argument says: absent, a filter that trusts the archive fully, or a real filter. */
function judgeFilter(model: SemanticModel, call: SyntaxNode): FilterVerdict | null {
  const args = callArguments(call);
  const value = args.keywords.get('filter');
  if (!value) return args.hasUnpacking ? null : { kind: 'absent' };
  const expr = unparenthesize(value);
  if (expr.type === 'none') return { kind: 'trusting', node: args.keywordNodes.get('filter')! };
  const text = stringLiteralValue(expr) ?? (expr.type === 'identifier' && isConstantGuarded(model, expr) ? constantTextGuarded(model, expr) : null);
  if (text !== null) return TRUSTING_FILTERS.has(text) ? { kind: 'trusting', node: args.keywordNodes.get('filter')! } : { kind: 'set' };
  const name = model.qualifiedName(expr);
  if (name && TRUSTING_FILTER_NAMES.has(name)) return { kind: 'trusting', node: args.keywordNodes.get('filter')! };
  return { kind: 'set' };
}

/**
 * Whether the call is one branch of code written for interpreters without extraction filters: under a condition
 * such as `hasattr(tarfile, "data_filter")` or `sys.version_info >= (3, 12)`, or in the `except` of a `try` whose
 * body makes the filtered call.
 */
function isCompatibilityFallback(call: SyntaxNode, unitNode: SyntaxNode): boolean {
  for (let node = call.parent; node && node !== unitNode; node = node.parent) {
    if (node.type === 'if_statement') {
      const conditions = [node.child('condition'), ...node.childrenOf('alternative').map((clause) => clause.child('condition'))];
      if (conditions.some((condition) => condition && COMPATIBILITY_CONDITION.test(condition.text))) return true;
    }
    if (node.type === 'conditional_expression' && COMPATIBILITY_CONDITION.test(node.text)) return true;
    if (node.type === 'except_clause') {
      const tryStatement = node.parent;
      const body = tryStatement?.type === 'try_statement' ? tryStatement.child('body') : null;
      if (body && /\bfilter\s*=/.test(body.text)) return true;
    }
  }
  return false;
}

/**
 * Whether a member passed to `extract()` is checked first: an `if`, `assert` or `while` condition that mentions it,
 * in the loop that yields it (or anywhere before the call in the unit).
 */
function memberIsChecked(member: SyntaxNode, call: SyntaxNode, unitNode: SyntaxNode): boolean {
  const expr = unparenthesize(member);
  const name = expr.type === 'identifier' ? expr.text : expr.type === 'attribute' ? expr.child('object')?.text : null;
  if (!name) return false;
  let scopeNode: SyntaxNode = unitNode;
  for (let node = call.parent; node && node !== unitNode; node = node.parent) {
    if (node.type === 'for_statement' && node.child('left')?.text.split(/[\s,()]+/).includes(name)) {
      scopeNode = node;
      break;
    }
  }
  let checked = false;
  forEachNodeInUnit(scopeNode, (node) => {
    if (checked || node.start >= call.start) return;
    const condition =
      node.type === 'if_statement' || node.type === 'elif_clause' || node.type === 'while_statement'
        ? node.child('condition')
        : node.type === 'assert_statement'
          ? node.firstNamedChild()
          : null;
    if (!condition) return;
    condition.walk((inner) => {
      if (inner.type === 'identifier' && inner.text === name) checked = true;
      return !checked;
    });
  });
  return checked;
}

interface Candidate {
  readonly call: SyntaxNode;
  readonly receiverKey: string | null;
  readonly report: Report;
}

export default defineRule({
  meta: {
    id: 'VG204',
    name: 'tarfile-unsafe-extraction',
    title: 'Archive extracted without a path filter',
    cwe: [22],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B202'],
    ruff: ['S202'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags `extractall()` and `extract()` on a `tarfile.TarFile` (from `tarfile.open`, `tarfile.TarFile`, `with tarfile.open(...) as tar`, or a parameter annotated `tarfile.TarFile`) and `shutil.unpack_archive()` called without an extraction `filter=`, or with `filter="fully_trusted"`/`None`, unless a `members=` argument filters the members.',
      whyIsThisBad:
        'Member names and link targets in a tar archive are chosen by whoever made the archive. Without a filter, `tarfile` writes `../../home/app/.ssh/authorized_keys` or `/etc/cron.d/job` where the name says, follows symlinks and hard links planted earlier in the same archive, and keeps set-uid bits and device files (CVE-2007-4559). Extracting an uploaded or downloaded archive this way lets its author overwrite files anywhere the process can write, which often ends in code execution. Python 3.12 added extraction filters (backported to 3.8.17, 3.9.17, 3.10.12 and 3.11.4); `filter="data"` refuses all of these.',
      example:
        'import tarfile\n\n\ndef install_plugin(upload_path, plugins_dir):\n    with tarfile.open(upload_path) as tar:\n        tar.extractall(plugins_dir)',
      useInstead:
        'import tarfile\n\n\ndef install_plugin(upload_path, plugins_dir):\n    with tarfile.open(upload_path) as tar:\n        tar.extractall(plugins_dir, filter="data")',
      references: [
        'https://cwe.mitre.org/data/definitions/22.html',
        'https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter',
        'https://peps.python.org/pep-0706/',
        'https://docs.python.org/3/library/shutil.html#shutil.unpack_archive',
        'https://nvd.nist.gov/vuln/detail/CVE-2007-4559',
      ],
      knownProblems:
        'Python 3.14 uses `filter="data"` by default, so code that only runs on 3.14 or later is safe without the argument; Vigil does not know the target version and still reports it (the fix then only makes the choice explicit). Archives are recognised only when opened in the same function or module (or annotated as `tarfile.TarFile`): a `TarFile` kept on an attribute (`self.archive`) or returned by a helper is not checked. Any `members=` value other than `None`, `tar.getmembers()` or an unfiltered comprehension is trusted to filter, although a hand-written check may miss links. `extract(member)` is not reported when a condition before it mentions the member (`if member.name.startswith("/")`), even if the check is incomplete, and a constant member name is reported with medium confidence. Calls in the fallback branch of compatibility code (`if hasattr(tarfile, "data_filter")`, `except TypeError:` after a filtered call) and archives whose default filter is set through `extraction_filter` are not reported. `shutil.unpack_archive` of a constant `.zip` file name or with `format="zip"` is not reported: `zipfile` does not write outside the target directory. `zipfile.ZipFile.extractall` is never reported for the same reason.',
      fixSafety:
        'Adding `filter="data"` is safe for ordinary archives of files and directories: they extract the same. Archives with absolute names, names with `..`, links that point outside the target, or device files now raise an error instead, and extracted files lose set-uid/set-gid bits and group/other write permission. The argument needs Python 3.12 or a security release that has the backport (3.8.17, 3.9.17, 3.10.12, 3.11.4 or later); older interpreters raise `TypeError` on it. For `shutil.unpack_archive` the fix is only marked safe when the archive is known to be a tar file (a `format=` such as `"gztar"`, or a constant `.tar.gz`-style name): `shutil` rejects any `filter` for zip archives with `TypeError`, so for an archive that may be a zip the fix is offered as unsafe (pass `format=`, or choose the filter by format).',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;
    const candidates: Candidate[] = [];
    /** `tar.extraction_filter = ...` in this unit: those receivers have a default filter. */
    const filteredReceivers = new Set<string>();
    /** `tarfile.TarFile.extraction_filter = ...` at module level or in this unit: every archive has one. */
    let classFilter = false;

    const noteExtractionFilter = (assignment: SyntaxNode): void => {
      const target = extractionFilterTarget(model, assignment);
      if (target === 'class') classFilter = true;
      else if (target) filteredReceivers.add(target);
    };

    // The class-wide default may be set by a module-level statement: read once per analysis (`moduleFact`), and only
    // by a unit that has an extraction to judge (a unit that asks depends on the whole module-level text).
    const moduleFilter = (): boolean => context.unit.kind !== 'module' && model.moduleFact(moduleSetsClassFilter, moduleSetsClassFilter);

    /**
     * `mayBeZip`: `shutil.unpack_archive` of an archive that may be a zip file, which rejects any `filter` argument
     * with `TypeError` (an explicit non-`None` filter shows the code already only unpacks tar archives).
     */
    const fixFor = (call: SyntaxNode, filter: FilterVerdict, mayBeZip = false): FixSpec | undefined => {
      if (filter.kind === 'trusting') {
        const value = filter.node.child('value');
        if (!value) return undefined;
        const safety = mayBeZip && unparenthesize(value).type === 'none' ? 'unsafe' : 'safe';
        return { title: 'Use `filter="data"`', safety, edits: [{ start: value.start, end: value.end, newText: '"data"' }] };
      }
      const edit = appendKeywordArgument(call, 'filter="data"');
      if (!edit) return undefined;
      return mayBeZip
        ? { title: 'Add `filter="data"` (tar archives only)', safety: 'unsafe', edits: [edit] }
        : { title: 'Add `filter="data"`', safety: 'safe', edits: [edit] };
    };

    const describeFilter = (filter: FilterVerdict): string => {
      if (filter.kind !== 'trusting') return 'without an extraction filter';
      const value = filter.node.child('value');
      return value && unparenthesize(value).type === 'none'
        ? `with \`${codeSnippet(filter.node)}\` (no filter before Python 3.14)`
        : `with \`${codeSnippet(filter.node)}\`, which trusts the archive completely`;
    };

    const checkTarMethod = (call: SyntaxNode, receiver: SyntaxNode, method: 'extractall' | 'extract'): void => {
      const tar = resolveTar(model, receiver);
      if (!tar) return;
      const filter = judgeFilter(model, call);
      if (!filter || filter.kind === 'set') return;
      if (isCompatibilityFallback(call, unitNode)) return;
      const args = callArguments(call);
      const fn = call.child('function')!;
      const subject = `\`${codeSnippet(fn, 50)}()\``;
      let message: string;
      let confidence: 'medium' | undefined;
      if (method === 'extractall') {
        const membersNode = args.keywords.get('members') ?? args.positional[1];
        const members = judgeMembers(model, membersNode);
        if (members === 'filtered') return;
        const membersNote = members === 'unfiltered' && membersNode ? ` (\`${codeSnippet(membersNode)}\` selects every member)` : '';
        message = `${subject} extracts every member ${describeFilter(filter)}${membersNote}: a crafted archive can write outside the target directory through \`../\` names, absolute paths or links`;
      } else {
        const member = args.keywords.get('member') ?? args.positional[0];
        if (!member) return;
        if (memberIsChecked(member, call, unitNode)) return;
        const constantName = stringLiteralValue(unparenthesize(member)) !== null || isConstantGuarded(model, member);
        if (constantName) confidence = 'medium';
        message = constantName
          ? `${subject} extracts \`${codeSnippet(member)}\` ${describeFilter(filter)}: if the archive makes that member a link or gives it an absolute path, it is written outside the target directory`
          : `${subject} extracts \`${codeSnippet(member)}\` ${describeFilter(filter)}: a crafted member name (\`../\`, an absolute path) or link writes outside the target directory`;
      }
      const related: NonNullable<Report['related']>[number][] = [];
      if (unparenthesize(receiver).type === 'identifier' && isInUnit(tar.origin, unitNode)) {
        related.push({
          at: tar.origin,
          message: tar.how === 'declared' ? `\`${receiver.text}\` is declared as a \`tarfile.TarFile\` here` : `\`${receiver.text}\` is opened here`,
        });
      }
      const fix = fixFor(call, filter);
      candidates.push({
        call,
        receiverKey: unparenthesize(receiver).type === 'identifier' ? receiver.text : null,
        report: {
          at: call,
          message,
          ...(confidence ? { confidence } : {}),
          ...(related.length > 0 ? { related } : {}),
          ...(fix ? { fix } : {}),
        },
      });
    };

    const checkUnpackArchive = (call: SyntaxNode): void => {
      const filter = judgeFilter(model, call);
      if (!filter || filter.kind === 'set') return;
      if (isCompatibilityFallback(call, unitNode)) return;
      const args = callArguments(call);
      const filename = args.positional[0] ?? args.keywords.get('filename');
      const format = args.positional[2] ?? args.keywords.get('format');
      const formatText = format ? constantTextGuarded(model, format) : null;
      if (formatText !== null && formatText !== 'tar' && !/tar$/.test(formatText)) return;
      const filenameText = filename ? constantTextGuarded(model, filename) : null;
      if (formatText === null && filenameText !== null && ZIP_EXTENSIONS.test(filenameText)) return;
      const knownTar = formatText !== null || (filenameText !== null && TAR_EXTENSIONS.test(filenameText));
      const fix = fixFor(call, filter, !knownTar);
      const fn = call.child('function')!;
      candidates.push({
        call,
        receiverKey: null,
        report: {
          at: call,
          message: `\`${codeSnippet(fn, 50)}()\` unpacks ${filename ? `\`${codeSnippet(filename)}\`` : 'the archive'} ${describeFilter(filter)}: a crafted tar archive can write outside the target directory through \`../\` names, absolute paths or links`,
          ...(fix ? { fix } : {}),
        },
      });
    };

    return {
      assignment(assignment) {
        noteExtractionFilter(assignment);
      },
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (callee === 'shutil.unpack_archive') {
          checkUnpackArchive(call);
          return;
        }
        const fn = call.child('function');
        if (fn?.type !== 'attribute') return;
        const method = fn.child('attribute')?.text;
        const receiver = fn.child('object');
        if (!receiver || (method !== 'extractall' && method !== 'extract')) return;
        checkTarMethod(call, receiver, method);
      },
      'unit:exit'() {
        if (classFilter || candidates.length === 0 || moduleFilter()) return;
        for (const candidate of candidates) {
          if (candidate.receiverKey && filteredReceivers.has(candidate.receiverKey)) continue;
          context.report(candidate.report);
        }
      },
    };
  },
});

/**
 * What `x.extraction_filter = <filter>` gives a default filter to: `'class'` for `tarfile.TarFile` itself, else the
 * receiver's text (`tar`); null when the assignment is something else or sets a trusting filter.
 */
function extractionFilterTarget(model: SemanticModel, assignment: SyntaxNode): 'class' | string | null {
  const left = assignment.child('left');
  const right = assignment.child('right');
  if (!left || !right || left.type !== 'attribute' || left.child('attribute')?.text !== 'extraction_filter') return null;
  const value = unparenthesize(right);
  if (TRUSTING_FILTER_NAMES.has(model.qualifiedName(value) ?? '') || value.type === 'none') return null;
  const object = left.child('object')!;
  return model.qualifiedName(object) === 'tarfile.TarFile' ? 'class' : object.text;
}

/** Whether a module-level statement sets `tarfile.TarFile.extraction_filter` to a filter that is not trusting. */
function moduleSetsClassFilter(model: SemanticModel): boolean {
  return model.root.namedChildren.some((statement) => {
    const assignment = statement.type === 'expression_statement' ? statement.firstNamedChild() : null;
    return assignment?.type === 'assignment' && extractionFilterTarget(model, assignment) === 'class';
  });
}
