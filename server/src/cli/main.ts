import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  ACTIVE_RULES,
  CONFIDENCES,
  LineIndex,
  SEVERITIES,
  analyzeText,
  knowledgeWith,
  ruleById,
  selectFinding,
  unusedSuppressionMessage,
  type Confidence,
  type Finding,
  type LibraryModel,
  type RuleSelection,
  type Severity,
  type UnusedSuppression,
} from '../engine';
import { renderChangeReview, type ChangedFileReview } from '../engine/report/changeReview';
import { escapeControlChars, plainLine } from '../engine/report/escape';
import {
  formatJson,
  formatSarif,
  formatText,
  type CellLine,
  type Comparison,
  type FileFindings,
  type FileProblem,
  type FixedEntry,
  type ReportNotice,
  TEXT_MESSAGE_CHARS,
} from '../engine/report/formats';
import { renderReview } from '../engine/report/review';
import { BaselineError, BaselineMatcher, baselineEntry, fingerprint, readBaseline, writeBaseline } from '../host/baseline';
import { absolutePath, changeSetFromGit, changeSetFromPatch, classifyChangedFiles, deletedFileReviews, isReviewable, isUnder, type ChangeSet } from '../host/changes';
import { ConfigResolver, isKnownRuleCode, isTestFile, unknownRuleCodeMessage, type ProjectConfig } from '../host/config';
import {
  commandLinePath,
  displayPath,
  findPythonFiles,
  visiblePath,
  type FolderSummary,
  type FsPath,
} from '../host/files';
import { GitError, type ChangedFile } from '../host/git';
import { loadPythonParser } from '../host/grammar';
import { AnalysisPool, runJob, workerMain, type AnalysisJob } from './pool';
import { readSource } from '../host/notebook';
import { version } from '../version';

/**
 * `vigil check PATH...` for CI and `vigil review FILE` for people; with `--diff`, only what a change introduces, and
 * with `--baseline`, only what a baseline does not hold. Exit codes: 0 no findings, 1 findings,
 * 2 usage or configuration errors and paths that do not exist (after every readable file has been analysed).
 * Files that cannot be analysed (unreadable, not regular files, binary, too large) are reported and skipped.
 */

const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_ERROR = 2;

class UsageError extends Error {}

function codeList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((code) => code.trim()).filter(Boolean)];
}

function checkCodes(codes: readonly string[] | undefined, option: string): void {
  for (const code of codes ?? []) {
    if (!isKnownRuleCode(code)) throw new UsageError(unknownRuleCodeMessage(option, code));
  }
}

/** One line on stderr, prefixed like every CLI message, never carrying control characters from file names. */
function say(message: string): void {
  process.stderr.write(`vigil: ${escapeControlChars(message, { newlines: true })}\n`);
}

interface CheckOptions {
  format: 'text' | 'json' | 'sarif';
  gitignore: boolean;
  select?: string[];
  ignore?: string[];
  minSeverity?: Severity;
  minConfidence?: Confidence;
  /**
   * Only what a change introduces: a git revision to compare the working tree with, `-` for a patch on standard
   * input, or `true` (`--diff` alone) for the default base.
   */
  diff?: string | true;
  /** Only findings not in this baseline file. */
  baseline?: string;
  /** Record every finding in this baseline file. */
  writeBaseline?: string;
  /** Ignore `# nosec` and `# noqa` comments (Bandit's `--ignore-nosec`); `# vigil: ignore` still applies. */
  ignoreNosec?: boolean;
  /** Report suppression comments that suppress nothing (as Ruff's RUF100), and exit 1 when there are any. */
  reportUnusedSuppressions?: boolean;
}

/**
 * The selection for one file: the command line wins over the project configuration; ignores add up; the project's
 * severities and `test-paths` apply (without a configuration, the default test paths relative to the current folder).
 */
function selectionFor(file: string, config: ProjectConfig | undefined, options: CheckOptions): RuleSelection {
  const select = options.select ?? config?.select;
  const ignore = [...(config?.ignore ?? []), ...(config?.ignoredFor(file) ?? []), ...(options.ignore ?? [])];
  const minSeverity = options.minSeverity ?? config?.minSeverity;
  const minConfidence = options.minConfidence ?? config?.minConfidence;
  const severity = config?.severity && Object.keys(config.severity).length > 0 ? config.severity : undefined;
  return {
    ...(select ? { select } : {}),
    ...(ignore.length > 0 ? { ignore } : {}),
    ...(minSeverity ? { minSeverity } : {}),
    ...(minConfidence ? { minConfidence } : {}),
    ...(severity ? { severity } : {}),
    ...(isTestFile(resolve(file), config, process.cwd()) ? { testFile: true } : {}),
    ...(options.ignoreNosec ? { ignoreNosec: true } : {}),
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Why a named folder gave no Python file: what the walk left out, and how to get it back. */
function emptyFolderMessage(folder: FolderSummary, excludedBy: ReadonlySet<string>): string {
  const both = (files: number, folders: number): string =>
    [files > 0 ? plural(files, 'Python file') : '', folders > 0 ? plural(folders, 'folder') : ''].filter(Boolean).join(' and ');
  const reasons: string[] = [];
  if (folder.gitignoredFiles + folder.gitignoredFolders > 0) {
    reasons.push(`${both(folder.gitignoredFiles, folder.gitignoredFolders)} skipped by .gitignore (use --no-gitignore)`);
  }
  if (folder.excludedFiles + folder.excludedFolders > 0) {
    const where = [...excludedBy].map((path) => displayPath(path)).join(', ');
    reasons.push(`${both(folder.excludedFiles, folder.excludedFolders)} excluded by \`exclude\` in ${where || 'the configuration'}`);
  }
  if (folder.symlinks > 0) reasons.push(`${plural(folder.symlinks, 'symbolic link')} to Python files not followed (name the files)`);
  if (folder.toolFolders > 0) reasons.push(`${plural(folder.toolFolders, 'virtual environment or tool folder')} skipped`);
  return reasons.length > 0 ? `no Python files analysed: ${reasons.join('; ')}` : 'no Python files found';
}

/** One file analysed by `check` or `review --diff`. */
interface AnalysedFile {
  /** As shown to the user. */
  readonly shown: string;
  /** As a path (absolute for the files of a change). */
  readonly file: string;
  readonly findings: readonly Finding[];
  /** Suppression comments that hid nothing. */
  readonly unusedSuppressions: readonly UnusedSuppression[];
  /** `findingKey` of each finding, when the run compares with a base. */
  readonly keys?: readonly string[];
  /** For a notebook: the cell and line of each line of its analysed text. */
  readonly cellOf?: (line: number) => CellLine;
  /** For `review --diff`: what the report quotes. */
  readonly text: string;
  readonly lineIndex: LineIndex;
  readonly hasSyntaxErrors: boolean;
  /** For a file of a change: how it changed. */
  readonly changed?: ChangedFile;
}

/** What one run of `check` (or `review --diff`) analysed and met on the way. */
interface Run {
  readonly files: AnalysedFile[];
  readonly problems: FileProblem[];
  readonly notices: ReportNotice[];
  /** Files found but not analysed, by shown path (a FIFO met in a walk and also named is one file). */
  readonly notAnalysed: Set<string>;
  ioError: boolean;
  /** With `--diff`: the change. */
  readonly change?: ChangeSet;
  readonly warn: (message: string) => void;
  readonly configFor: (file: string) => ProjectConfig | undefined;
  readonly analyse: (text: string, file: string) => ReturnType<typeof analyzeText>;
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The change `--diff` names: a git revision, `-` for a patch on standard input, or (`true`) the default base. A
 * value that names no revision but an existing path was a path (`--diff src/`): it joins `paths`, and the base is
 * the default. Git problems are usage errors.
 */
async function changeFor(diff: string | true, paths: string[]): Promise<ChangeSet> {
  try {
    if (diff === '-') {
      if (process.stdin.isTTY) throw new UsageError('--diff - reads a patch from standard input: pipe one in (`git diff main | vigil check --diff -`)');
      return await changeSetFromPatch(await readStandardInput(), process.cwd());
    }
    if (diff === true) return await changeSetFromGit(process.cwd());
    try {
      return await changeSetFromGit(process.cwd(), diff);
    } catch (error) {
      if (!(error instanceof GitError && /^unknown revision/.test(error.message) && existsSync(diff))) throw error;
      paths.unshift(diff);
      return await changeSetFromGit(process.cwd());
    }
  } catch (error) {
    if (error instanceof GitError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Finds and analyses the files of a run: the named paths, or with `options.diff` the changed Python files and
 * notebooks inside them (all of the change when none is named). Problems and notices are reported as they come.
 */
async function analyseFiles(paths: string[], options: CheckOptions, compare: boolean): Promise<Run> {
  checkCodes(options.select, '--select');
  checkCodes(options.ignore, '--ignore');
  const warned = new Set<string>();
  const warn = (message: string): void => {
    if (warned.has(message)) return;
    warned.add(message);
    say(`warning: ${message}`);
  };
  const configs = new ConfigResolver({ onWarning: warn });
  const checked = new Set<ProjectConfig>();
  const configFor = (file: string): ProjectConfig | undefined => {
    let config: ProjectConfig | undefined;
    try {
      config = configs.configFor(file);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (config && !checked.has(config)) {
      checked.add(config);
      // A typo in the configuration is refused as the same typo in an option is.
      if (config.errors.length > 0) throw new UsageError(config.errors.join('\n'));
      for (const warning of config.warnings) warn(warning);
    }
    return config;
  };
  const change = options.diff === undefined ? undefined : await changeFor(options.diff, paths);
  // This thread's parser: for a handful of files, and for the base texts a comparison analyses.
  const mainParser = await loadPythonParser();
  const analyse = (text: string, file: string): ReturnType<typeof analyzeText> => {
    const config = configFor(file);
    // The project's own sources, sinks and sanitizers (`extend-*`), with Vigil's models.
    const knowledge = config?.knowledge ? knowledgeWith(config.knowledge) : undefined;
    return analyzeText(mainParser, text, selectionFor(file, config, options), knowledge ? { knowledge } : {});
  };
  const run: Run = { files: [], problems: [], notices: [], notAnalysed: new Set(), ioError: false, warn, configFor, analyse, ...(change ? { change } : {}) };
  const problem = (path: string, message: string, fatal: boolean): void => {
    if (run.problems.some((known) => known.path === path && known.message === message)) return;
    run.problems.push({ path, message });
    say(`${path}: ${message}`);
    run.ioError ||= fatal;
  };
  const targets: Array<{ path: FsPath; changed?: ChangedFile }> = [];
  if (change) {
    for (const changed of change.files) {
      if (changed.path === null || !isReviewable(changed.path)) continue;
      const path = absolutePath(change, changed.path);
      // The configuration's `exclude` applies: the change names these files, the user did not.
      if (isUnder(path, paths) && !configFor(path)?.isExcluded(path)) targets.push({ path, changed });
    }
  } else {
    const excludedBy = new Set<string>();
    const found = findPythonFiles(paths, {
      isExcluded: (path) => {
        const config = configFor(path);
        const excluded = config?.isExcluded(path) ?? false;
        if (excluded) excludedBy.add(config!.path);
        return excluded;
      },
      gitignore: options.gitignore,
      notebooks: true,
    });
    for (const { path, kind, message, fatal } of found.problems) {
      const shown = displayPath(path);
      if (kind !== 'folder') run.notAnalysed.add(shown);
      problem(shown, message, fatal);
    }
    for (const folder of found.folders) {
      if (folder.pythonFiles > 0) continue;
      const notice: ReportNotice = { path: displayPath(resolve(folder.path)), kind: 'no-python-files', message: emptyFolderMessage(folder, excludedBy) };
      run.notices.push(notice);
      say(`warning: ${notice.path}: ${notice.message}`);
    }
    for (const path of [...found.files, ...found.rawFiles]) targets.push({ path });
  }
  // Read in order on this thread, analyse on all cores (`AnalysisPool`), then report in order: the output never
  // depends on which worker finished first.
  const size = AnalysisPool.sizeFor(targets.length);
  const pool = size > 0 ? new AnalysisPool(size, __filename) : undefined;
  const models = new Map<string, LibraryModel>();
  const analysed = targets.map(({ path, changed }) => {
    const shown = displayPath(path);
    const file = visiblePath(path);
    const config = configFor(file);
    const read = readSource(path);
    if ('error' in read) return { shown, read } as const;
    const job: AnalysisJob = {
      text: read.text,
      selection: selectionFor(file, config, options),
      ...(config?.knowledge ? { project: { key: config.path, model: config.knowledge } } : {}),
      keys: compare,
    };
    const outcome = pool ? pool.analyse(job) : Promise.resolve().then(() => runJob(mainParser, job, models));
    // Reported in order below; a rejection must not go unhandled meanwhile.
    outcome.catch(() => {});
    return { shown, file, read, changed, outcome } as const;
  });
  try {
    for (const entry of analysed) {
      const { shown, read } = entry;
      if ('error' in read) {
        run.notAnalysed.add(shown);
        problem(shown, read.error, read.fatal);
        continue;
      }
      const { file, changed } = entry as Extract<typeof entry, { file: string }>;
      const { lines } = read;
      const cellOf = lines ? (line: number): CellLine => lines.locate(line) : undefined;
      const where = (line: number): string => {
        if (!cellOf) return `line ${line + 1}`;
        const place = cellOf(line);
        return `cell ${place.cell}, line ${place.line + 1}`;
      };
      const result = await (entry as Extract<typeof entry, { file: string }>).outcome;
      for (const error of result.ruleErrors) {
        problem(shown, `rule ${error.ruleId} failed near ${where(error.line)}: ${error.message}`, false);
      }
      if (result.hasSyntaxErrors) {
        const line = result.firstSyntaxError;
        const message = line === null ? 'syntax errors; the rest was analysed' : `syntax errors from ${where(line)}; the rest was analysed`;
        const place = line === null ? undefined : cellOf ? cellOf(line) : { line };
        run.notices.push({
          path: shown,
          kind: 'syntax-errors',
          message,
          ...(place ? { line: place.line + 1 } : {}),
          ...(place && 'cell' in place ? { cell: place.cell } : {}),
        });
        say(`${shown}: ${message}`);
      }
      // Why the engine stopped short (a time budget, a nesting limit), where it says so.
      for (const reason of result.partial) {
        run.notices.push({ path: shown, kind: 'partial', message: reason });
        say(`${shown}: ${reason}`);
      }
      run.files.push({
        shown,
        file,
        findings: result.findings,
        unusedSuppressions: result.unusedSuppressions,
        ...(result.keys ? { keys: result.keys } : {}),
        ...(cellOf ? { cellOf } : {}),
        text: read.text,
        lineIndex: new LineIndex(read.text),
        hasSyntaxErrors: result.hasSyntaxErrors,
        ...(changed ? { changed } : {}),
      });
    }
  } finally {
    await pool?.close();
  }
  return run;
}

/** Each analysed file's findings split into new and unchanged ones, by the change and by the baseline. */
interface Compared {
  readonly fresh: Finding[][];
  readonly unchanged: Finding[][];
  readonly fixed: FixedEntry[];
}

async function compare(run: Run, paths: readonly string[], options: CheckOptions): Promise<Compared> {
  const isNew = run.files.map((file) => file.findings.map(() => true));
  const { change } = run;
  if (change) {
    const files = run.files.map((file) => ({ file: file.changed!, text: file.text, findings: file.findings, keys: file.keys! }));
    const states = await classifyChangedFiles(change, files, run.analyse, { warn: run.warn });
    states.forEach((list, i) => list.forEach((state, j) => {
      if (state !== 'new') isNew[i]![j] = false;
    }));
  }
  let fixed: FixedEntry[] = [];
  if (options.baseline !== undefined) {
    let matcher: BaselineMatcher;
    try {
      matcher = new BaselineMatcher(options.baseline, readBaseline(options.baseline));
    } catch (error) {
      if (error instanceof BaselineError) throw new UsageError(error.message);
      throw error;
    }
    run.files.forEach((file, i) => file.findings.forEach((finding, j) => {
      const absolute = resolve(file.file);
      const place = file.cellOf ? file.cellOf(finding.range.start.line) : { line: finding.range.start.line };
      if (matcher.take(fingerprint(matcher.dir, absolute, file.keys![j]!), place.line + 1)) isNew[i]![j] = false;
    }));
    const analysed = new Set(run.files.map((file) => resolve(file.file)));
    const scope = paths.length > 0 ? paths : [change ? change.root : process.cwd()];
    const entries = matcher.fixed(analysed, (file) => isUnder(file, scope), (file, entry) => {
      const rule = ruleById(entry.ruleId)!;
      const probe = { ruleId: rule.meta.id, ruleName: rule.meta.name, bandit: rule.meta.bandit, ruff: rule.meta.ruff, severity: entry.severity, confidence: entry.confidence };
      return selectFinding(probe as Finding, selectionFor(file, run.configFor(file), options), rule.meta) !== null;
    });
    fixed = entries.map((entry) => ({
      path: displayPath(resolve(matcher.dir, ...entry.path.split('/'))),
      ruleId: entry.ruleId,
      line: entry.line,
      ...(entry.cell !== undefined ? { cell: entry.cell } : {}),
    }));
  }
  return {
    fresh: run.files.map((file, i) => file.findings.filter((_, j) => isNew[i]![j])),
    unchanged: run.files.map((file, i) => file.findings.filter((_, j) => !isNew[i]![j])),
    fixed,
  };
}

/**
 * The `baseline` of the project configuration that applies to the folder Vigil runs in (the project root, in CI),
 * with the configuration file's path; undefined when it names none.
 */
function configuredBaseline(): { readonly baseline: string; readonly config: string } | undefined {
  let config: ProjectConfig | undefined;
  try {
    config = new ConfigResolver().configFor(resolve('.vigil-configuration-probe'));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (config?.errors.length) throw new UsageError(config.errors.join('\n'));
  return config?.baseline ? { baseline: config.baseline, config: config.path } : undefined;
}

function writeBaselineFile(run: Run, path: string): number {
  const dir = dirname(resolve(path));
  const entries = run.files.flatMap((file) =>
    file.findings.map((finding, index) =>
      baselineEntry(dir, resolve(file.file), finding, file.keys![index]!, file.cellOf ? file.cellOf(finding.range.start.line) : { line: finding.range.start.line }),
    ),
  );
  try {
    writeBaseline(path, entries);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  return entries.length;
}

async function check(paths: string[], options: CheckOptions): Promise<number> {
  if (options.diff === undefined && paths.length === 0) throw new UsageError('name the files or folders to check (or a change to review with --diff BASE)');
  if (options.diff !== undefined && options.writeBaseline !== undefined) {
    throw new UsageError('--write-baseline records every finding of the files named; it cannot be combined with --diff');
  }
  // Without --baseline (and when not writing one), the baseline the project configuration names, as in the editor.
  if (options.baseline === undefined && options.writeBaseline === undefined) {
    const configured = configuredBaseline();
    if (configured) {
      say(`using the baseline ${displayPath(configured.baseline)} (from ${displayPath(configured.config)})`);
      options = { ...options, baseline: configured.baseline };
    }
  }
  const comparing = options.diff !== undefined || options.baseline !== undefined;
  const run = await analyseFiles(paths, options, comparing || options.writeBaseline !== undefined);
  const compared = comparing ? await compare(run, paths, options) : undefined;
  for (const entry of compared?.fixed ?? []) {
    say(`${entry.path}: ${entry.cell !== undefined ? `cell ${entry.cell}, ` : ''}line ${entry.line}: ${entry.ruleId} is in the baseline but no longer found (fixed)`);
  }
  const results: FileFindings[] = run.files.map((file, i) => ({
    path: file.shown,
    findings: compared ? compared.fresh[i]! : file.findings,
    ...(compared ? { unchanged: compared.unchanged[i]! } : {}),
    ...(file.cellOf ? { cellOf: file.cellOf } : {}),
  }));
  const unchanged = compared ? compared.unchanged.reduce((sum, list) => sum + list.length, 0) : 0;
  const comparison: Comparison | undefined = compared ? { unchanged, fixed: compared.fixed } : undefined;
  const unused = options.reportUnusedSuppressions ? unusedSuppressionReports(run.files) : run.files.map(() => []);
  const unusedCount = unused.reduce((sum, list) => sum + list.length, 0);
  run.notices.push(...unused.flat().map((entry) => entry.notice));
  const output =
    options.format === 'json'
      ? formatJson(results, run.problems, version, run.notices, comparison)
      : options.format === 'sarif'
        ? formatSarif(results, run.problems, version, run.notices, comparison)
        : // formatText escapes control characters in paths and messages itself; each file's unused suppressions follow its findings.
          results.map((file, i) => formatText([file]) + unused[i]!.map((entry) => `${entry.text}\n`).join('')).join('');
  process.stdout.write(output);
  const count = results.reduce((sum, file) => sum + file.findings.length, 0);
  if (options.format === 'text') {
    const skipped = run.notAnalysed.size > 0 ? ` ${plural(run.notAnalysed.size, 'file')} not analysed.` : '';
    const files = plural(results.length, run.change ? 'changed file' : 'file');
    const notNew =
      run.change && options.baseline !== undefined ? 'not introduced by the change, or in the baseline'
      : run.change ? 'not introduced by the change'
      : 'in the baseline';
    const fixedCount = compared?.fixed.length ?? 0;
    const found = !compared
      ? `${plural(count, 'finding')} in ${files}.`
      : `${plural(count, 'new finding')} in ${files}` +
        (unchanged > 0 ? ` (${plural(unchanged, 'finding')} ${notNew}, not shown).` : '.') +
        (fixedCount > 0 ? ` ${fixedCount === 1 ? '1 baseline entry' : `${fixedCount} baseline entries`} fixed.` : '');
    const none = run.change ? `No changed Python files (compared with ${run.change.label}).` : 'No files analysed.';
    const unusedNote = unusedCount > 0 ? ` ${plural(unusedCount, 'unused suppression')}.` : '';
    process.stderr.write(results.length === 0 ? `${none}\n` : `${found}${unusedNote}${skipped}\n`);
  }
  if (options.writeBaseline !== undefined) {
    const written = writeBaselineFile(run, options.writeBaseline);
    say(`baseline written: ${plural(written, 'finding')} in ${options.writeBaseline}`);
    return run.ioError ? EXIT_ERROR : EXIT_CLEAN;
  }
  if (run.ioError) return EXIT_ERROR;
  // Asked for, an unused suppression fails the run as Ruff's RUF100 does.
  return count + unusedCount > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

/**
 * Each file's unused suppressions (`--report-unused-suppressions`) as a text line, in the form of a finding's
 * (`path:line:col: unused-suppression [low] message`), and as a notice for JSON (`notices`) and SARIF (a `note`).
 */
function unusedSuppressionReports(files: readonly AnalysedFile[]): Array<Array<{ text: string; notice: ReportNotice }>> {
  return files.map((file) => {
    const path = escapeControlChars(file.shown, { newlines: true });
    return file.unusedSuppressions.map((entry) => {
      const { line, character } = entry.range.start;
      const cell = file.cellOf ? file.cellOf(line) : undefined;
      const where = cell ? `${path}: cell ${cell.cell}, line ${cell.line + 1}, column ${character + 1}:` : `${path}:${line + 1}:${character + 1}:`;
      const message = unusedSuppressionMessage(entry);
      return {
        text: `${where} unused-suppression [low] ${plainLine(message, TEXT_MESSAGE_CHARS)}`,
        notice: { path: file.shown, kind: 'unused-suppression', message, line: (cell ? cell.line : line) + 1, ...(cell ? { cell: cell.cell } : {}) },
      };
    });
  });
}

/** `vigil review --diff BASE [PATH...]`: the Markdown review of a change. */
async function reviewChange(paths: string[], diff: string | true): Promise<number> {
  const options: CheckOptions = { format: 'text', gitignore: true, diff };
  const run = await analyseFiles(paths, options, true);
  const compared = await compare(run, paths, options);
  const change = run.change!;
  const reviewed: ChangedFileReview[] = run.files.map((file, i) => ({
    displayPath: file.shown,
    text: file.text,
    lineIndex: file.lineIndex,
    findings: compared.fresh[i]!,
    hasSyntaxErrors: file.hasSyntaxErrors,
    status: file.changed!.status,
    ...(file.changed!.status === 'renamed' && file.changed!.oldPath !== null ? { oldPath: file.changed!.oldPath } : {}),
    unchanged: compared.unchanged[i]!.length,
    ...(file.cellOf ? { cellOf: file.cellOf } : {}),
  }));
  const deleted = deletedFileReviews(change, paths, (path) => displayPath(path));
  const base = { label: change.label, isRef: change.base !== null && (change.label === diff || change.label === 'HEAD'), ...(change.base ? { commit: change.base.commit } : {}) };
  process.stdout.write(escapeControlChars(renderChangeReview({ base, files: [...reviewed, ...deleted], notAnalysed: run.problems })));
  return run.ioError ? EXIT_ERROR : EXIT_CLEAN;
}

async function review(paths: string[], options: { diff?: string | true }): Promise<number> {
  if (options.diff !== undefined) return reviewChange(paths, options.diff);
  if (paths.length !== 1) throw new UsageError('name one file to review (or a change with --diff BASE)');
  const path = commandLinePath(paths[0]!);
  const read = readSource(path);
  if ('error' in read) {
    say(`${displayPath(path)}: ${read.error}`);
    return EXIT_ERROR;
  }
  const parser = await loadPythonParser();
  const result = analyzeText(parser, read.text, {});
  process.stdout.write(
    escapeControlChars(renderReview({
      displayPath: displayPath(path),
      text: read.text,
      lineIndex: result.lineIndex,
      findings: result.findings,
      hasSyntaxErrors: result.hasSyntaxErrors,
      ...(read.lines ? { cellOf: (line: number) => read.lines!.locate(line) } : {}),
    })),
  );
  return EXIT_CLEAN;
}

function listRules(): number {
  for (const { meta } of ACTIVE_RULES) {
    const equivalents = [...meta.bandit, ...meta.ruff].join(' ');
    process.stdout.write(
      `${meta.id}  ${meta.name.padEnd(28)} ${meta.severity.padEnd(7)} ${(meta.optIn ? 'opt-in' : '').padEnd(6)} CWE-${meta.cwe.join(',CWE-').padEnd(10)} ${equivalents}\n`,
    );
  }
  if (ACTIVE_RULES.some((rule) => rule.meta.optIn)) {
    process.stdout.write('\nopt-in: off unless `select` names the rule (its ID, a prefix such as VG6, its name, one of its codes, or ALL)\n');
  }
  return EXIT_CLEAN;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_CLEAN;
  const program = new Command()
    .name('vigil')
    .description('Security review for Python: precise findings with CWE, explanation and fix.')
    .version(version)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('check')
    .description('analyse Python files and folders (recursively) and print the findings')
    .argument('[paths...]', 'files or folders (with --diff: only the changes inside them)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--select <codes>', 'only these rules: IDs, prefixes, names, Bandit or Ruff codes (comma-separated)', codeList)
    .option('--ignore <codes>', 'skip these rules (same codes as --select)', codeList)
    .addOption(new Option('--min-severity <level>', 'hide findings below this severity').choices(SEVERITIES.slice(1)))
    .addOption(new Option('--min-confidence <level>', 'hide findings below this confidence').choices(CONFIDENCES))
    .option('--no-gitignore', 'also analyse files that .gitignore lists')
    .option('--diff [base]', 'only findings a change introduces: the working tree against BASE (default: the merge base with the upstream branch, else HEAD), or a patch on standard input with `--diff -`')
    .option('--baseline <file>', 'only findings not in this baseline file; entries no longer found are reported as fixed')
    .option('--write-baseline <file>', 'record every finding in this baseline file (and exit 0)')
    .option('--ignore-nosec', 'ignore `# nosec` and `# noqa` comments (as Bandit\'s --ignore-nosec); `# vigil: ignore` still applies')
    .option('--report-unused-suppressions', 'report suppression comments that suppress nothing (like Ruff\'s RUF100), and exit 1 when there are any')
    .action(async (paths: string[], options: CheckOptions) => {
      exitCode = await check(paths, options);
    });

  program
    .command('review')
    .description('print the Markdown security review of one file, or of a change with --diff')
    .argument('[paths...]', 'a Python file or notebook (with --diff: only the changes inside these paths)')
    .option('--diff [base]', 'review what a change introduces: the working tree against BASE (default: the merge base with the upstream branch, else HEAD), or a patch on standard input with `--diff -`')
    .action(async (paths: string[], options: { diff?: string | true }) => {
      exitCode = await review(paths, options);
    });

  program
    .command('rules')
    .description('list the rules with their severity, CWE and Bandit/Ruff equivalents')
    .action(() => {
      exitCode = listRules();
    });

  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT_ERROR;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help'
        ? EXIT_CLEAN
        : EXIT_ERROR;
    }
    if (error instanceof UsageError) {
      for (const line of error.message.split('\n')) say(line);
      return EXIT_ERROR;
    }
    process.stderr.write(`vigil: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_ERROR;
  }
  return exitCode;
}

if (workerMain()) {
  // An analysis worker of a run on all cores (`AnalysisPool`): it answers jobs until the pool ends it.
} else if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vigil: internal error: ${String(error)}\n`);
      process.exitCode = EXIT_ERROR;
    },
  );
}
