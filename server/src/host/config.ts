import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { parse as parseToml, TomlError } from 'smol-toml';
import {
  ACTIVE_RULES,
  CONFIDENCES,
  PROJECT_KNOWLEDGE_KEYS,
  SEVERITIES,
  projectModel,
  ruleMatchesCode,
  type Confidence,
  type LibraryModel,
  type Severity,
} from '../engine';
import { describeError, readRegularFile } from './files';

/**
 * Project configuration, for the CLI and the editor alike: `vigil.toml`, `.vigil.toml`, or `[tool.vigil]` in
 * `pyproject.toml`, the nearest one above a file (as Ruff finds its configuration). Patterns use .gitignore
 * syntax relative to the configuration file's folder.
 *
 *   [tool.vigil]
 *   select = ["VG1", "B506"]
 *   ignore = ["VG602"]
 *   exclude = ["migrations/", "**\/vendored/**"]
 *   min-confidence = "medium"
 *   baseline = "vigil-baseline.json"
 *   [tool.vigil.per-file-ignores]
 *   "**\/tests/**" = ["VG401"]
 */
export interface ProjectConfig {
  /** The file the configuration came from. */
  readonly path: string;
  readonly select?: string[];
  readonly ignore?: string[];
  readonly minSeverity?: Severity;
  readonly minConfidence?: Confidence;
  /**
   * The baseline file (`baseline`, relative to the configuration file's folder), as an absolute path: findings it
   * holds are hidden in the editor, and `vigil check` uses it when `--baseline` is not given.
   */
  readonly baseline?: string;
  /** Whether a file (absolute path) is excluded. */
  isExcluded(file: string): boolean;
  /** Rule codes ignored for this file by `per-file-ignores`. */
  ignoredFor(file: string): string[];
  /** Severity per rule (`[tool.vigil.severity]`, rule code → level), as `RuleSelection.severity` takes it. */
  readonly severity?: Readonly<Record<string, Severity>>;
  /** Whether a file (absolute path) is a test file by `test-paths` (`DEFAULT_TEST_PATHS` when the key is absent). */
  isTestFile(file: string): boolean;
  /** Problems found while reading it (unknown keys, wrong types, unknown rule codes); the rest still applies. */
  readonly warnings: readonly string[];
  /**
   * The warnings that make the file mean something else than its author wrote (a value of the wrong type, a rule
   * code no rule has): the command line refuses to run with them, as it refuses the same typo in an option.
   */
  readonly errors: readonly string[];
  /**
   * The project's own sources, sinks and sanitizers (`extend-sources`, `extend-sinks`, `extend-sanitizers`), as a
   * flow model; absent when the file adds none.
   */
  readonly knowledge?: LibraryModel;
}

const CONFIG_FILES = ['vigil.toml', '.vigil.toml', 'pyproject.toml'];
const KNOWN_KEYS = new Set(['select', 'ignore', 'exclude', 'per-file-ignores', 'min-severity', 'min-confidence', ...PROJECT_KNOWLEDGE_KEYS]);
KNOWN_KEYS.add('baseline');
KNOWN_KEYS.add('test-paths');
KNOWN_KEYS.add('severity');

/** A configuration file that cannot be used: `path` names it, `line` and `column` (1-based) say where TOML broke. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly path?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Whether a rule code (ID, prefix, name, Bandit or Ruff code) names at least one rule. */
export function isKnownRuleCode(code: string): boolean {
  return ACTIVE_RULES.some((rule) => ruleMatchesCode(rule.meta, code));
}

/** The message for a code no rule has, after what named it (`--select`, `/path/vigil.toml: select`). */
export function unknownRuleCodeMessage(where: string, code: string): string {
  return `${where} ${code}: no rule has this ID, name, Bandit or Ruff code (see \`vigil rules\`)`;
}

export interface ConfigResolverOptions {
  /**
   * Called once for a configuration file name found that is not a regular file (a FIFO, a device, a folder): it is
   * never opened, and the search goes on as if it were absent.
   */
  readonly onWarning?: (message: string) => void;
}

/** Reads and caches configurations per folder. `clear()` after a configuration file changes. */
export class ConfigResolver {
  private readonly byDirectory = new Map<string, ProjectConfig | null>();

  constructor(private readonly options: ConfigResolverOptions = {}) {}

  /** The configuration that applies to `file`, or undefined; throws ConfigError for a broken file. */
  configFor(file: string): ProjectConfig | undefined {
    return this.lookUp(dirname(file)) ?? undefined;
  }

  clear(): void {
    this.byDirectory.clear();
  }

  private lookUp(directory: string): ProjectConfig | null {
    const cached = this.byDirectory.get(directory);
    if (cached !== undefined) return cached;
    let found: ProjectConfig | null = null;
    for (const name of CONFIG_FILES) {
      const path = join(directory, name);
      let isFile: boolean;
      try {
        isFile = statSync(path).isFile();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') continue;
        throw new ConfigError(`${path}: cannot read: ${describeError(error)}`, path);
      }
      if (!isFile) {
        this.options.onWarning?.(`${path}: not a regular file; ignored`);
        continue;
      }
      found = readConfig(path);
      if (found) break;
    }
    if (!found) {
      const parent = dirname(directory);
      found = parent !== directory ? this.lookUp(parent) : null;
    }
    this.byDirectory.set(directory, found);
    return found;
  }
}

/** Parses one configuration file; null for a pyproject.toml without `[tool.vigil]`. */
export function readConfig(path: string): ProjectConfig | null {
  const read = readRegularFile(path);
  if ('error' in read) throw new ConfigError(`${path}: ${read.error}`, path);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    throw new ConfigError(`${path}: not valid UTF-8 text`, path);
  }
  let document: Record<string, unknown>;
  try {
    document = parseToml(source) as Record<string, unknown>;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    if (error instanceof TomlError) {
      throw new ConfigError(`${path}:${error.line}:${error.column}: invalid TOML: ${reason}`, path, error.line, error.column);
    }
    throw new ConfigError(`${path}: invalid TOML: ${reason}`, path);
  }
  let table: unknown = document;
  const isPyproject = path.endsWith('pyproject.toml');
  if (isPyproject) {
    const tool = document.tool;
    table = tool && typeof tool === 'object' && !Array.isArray(tool) ? (tool as Record<string, unknown>).vigil : undefined;
    if (table === undefined) return null;
  }
  if (!table || typeof table !== 'object' || Array.isArray(table) || table instanceof Date) {
    throw new ConfigError(`${path}: ${isPyproject ? '`tool.vigil`' : 'the file'} must be a table, not ${typeName(table)}`, path);
  }
  const values = table as Record<string, unknown>;
  const warnings: string[] = [];
  const errors: string[] = [];
  const error = (message: string): void => {
    warnings.push(message);
    errors.push(message);
  };
  const section = isPyproject ? '[tool.vigil] ' : '';
  for (const key of Object.keys(values)) if (!KNOWN_KEYS.has(key)) warnings.push(`${path}: unknown key \`${key}\``);

  const checkCodes = (where: string, codes: readonly string[]): void => {
    for (const code of codes) if (!isKnownRuleCode(code)) error(unknownRuleCodeMessage(`${path}: ${where}`, code));
  };
  const list = (key: string, ofCodes: boolean): string[] | undefined => {
    const value = values[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      if (ofCodes) checkCodes(`${section}\`${key}\``, value);
      return value;
    }
    const bad = Array.isArray(value) ? value.findIndex((item) => typeof item !== 'string') : -1;
    const got = Array.isArray(value) ? `item ${bad + 1} is ${typeName(value[bad])}` : `not ${typeName(value)}`;
    error(`${path}: ${section}\`${key}\` must be a list of strings, ${got}`);
    return undefined;
  };
  const level = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = values[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const got = typeof value === 'string' ? `not "${value}"` : `not ${typeName(value)}`;
    error(`${path}: ${section}\`${key}\` must be one of ${allowed.map((item) => `"${item}"`).join(', ')}, ${got}`);
    return undefined;
  };

  const root = dirname(path);
  const excluded = ignore().add(list('exclude', false) ?? []);
  const perFile: Array<{ matcher: Ignore; codes: string[] }> = [];
  const perFileTable = values['per-file-ignores'];
  if (perFileTable && typeof perFileTable === 'object' && !Array.isArray(perFileTable) && !(perFileTable instanceof Date)) {
    for (const [pattern, codes] of Object.entries(perFileTable as Record<string, unknown>)) {
      if (Array.isArray(codes) && codes.every((code) => typeof code === 'string')) {
        checkCodes(`${section}per-file-ignores "${pattern}"`, codes);
        perFile.push({ matcher: ignore().add(pattern), codes: codes as string[] });
      } else {
        error(`${path}: ${section}per-file-ignores "${pattern}" must be a list of rule codes, not ${typeName(codes)}`);
      }
    }
  } else if (perFileTable !== undefined) {
    error(`${path}: ${section}\`per-file-ignores\` must be a table of "pattern" = [codes], not ${typeName(perFileTable)}`);
  }
  const relativeTo = (file: string): string | undefined => {
    const rel = relative(root, file);
    return rel === '' || rel.startsWith('..') ? undefined : rel.split(sep).join('/');
  };

  const project = projectModel(values);
  for (const problem of project.problems) error(`${path}: ${section}${problem}`);

  const select = list('select', true);
  const ignoreCodes = list('ignore', true);
  const minSeverity = level('min-severity', SEVERITIES);
  const minConfidence = level('min-confidence', CONFIDENCES);
  const baseline = baselinePath(values.baseline, root, (message) => error(`${path}: ${section}${message}`));
  return {
    path,
    ...(select ? { select } : {}),
    ...(ignoreCodes ? { ignore: ignoreCodes } : {}),
    ...(minSeverity ? { minSeverity } : {}),
    ...(minConfidence ? { minConfidence } : {}),
    ...(baseline ? { baseline } : {}),
    ...testsAndSeverity(values, relativeTo, (key) => list(key, false), (message) => error(`${path}: ${section}${message}`)),
    ...(project.model ? { knowledge: project.model } : {}),
    isExcluded: (file) => {
      const rel = relativeTo(file);
      return rel !== undefined && excluded.ignores(rel);
    },
    ignoredFor: (file) => {
      const rel = relativeTo(file);
      return rel === undefined ? [] : perFile.filter((entry) => entry.matcher.ignores(rel)).flatMap((entry) => entry.codes);
    },
    warnings,
    errors,
  };
}

/** The `baseline` key: a non-empty path, relative to the configuration's folder `root`; absolute when returned. */
function baselinePath(value: unknown, root: string, error: (message: string) => void): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.includes('\0')) {
    const got = typeof value !== 'string' ? typeName(value) : value.trim() === '' ? 'an empty string' : 'a string with a NUL character';
    error(`\`baseline\` must be the path of a baseline file (written by \`vigil check --write-baseline FILE\`), not ${got}`);
    return undefined;
  }
  return resolve(root, value);
}

/**
 * Where the tests are when `test-paths` is absent (`.gitignore` patterns): `tests/` and `test/` folders, pytest's
 * file names and `conftest.py`. In a test file, rules whose findings are fine in tests (`RuleMeta.inTests`) say
 * nothing or only a note.
 */
export const DEFAULT_TEST_PATHS: readonly string[] = ['tests/', 'test/', 'test_*.py', '*_test.py', 'conftest.py'];

/**
 * Whether `file` (absolute) is a test file: by its configuration's `test-paths`; without a configuration file, by
 * `DEFAULT_TEST_PATHS` relative to `root` (the folder the CLI runs in, the editor's workspace folder) when the file
 * is inside it, else by its file name only (a folder named `tests` somewhere above the project must not count).
 */
export function isTestFile(file: string, config: ProjectConfig | undefined, root?: string): boolean {
  if (config) return config.isTestFile(file);
  const rel = root === undefined ? '' : relative(root, file);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return DEFAULT_TESTS.ignores(rel.split(sep).join('/'));
  return DEFAULT_TESTS.ignores(basename(file));
}

const DEFAULT_TESTS = ignore().add([...DEFAULT_TEST_PATHS]);

/** `test-paths` and `[tool.vigil.severity]`, read apart from the other keys. */
function testsAndSeverity(
  values: Record<string, unknown>,
  relativeTo: (file: string) => string | undefined,
  list: (key: string) => string[] | undefined,
  error: (message: string) => void,
): Pick<ProjectConfig, 'severity' | 'isTestFile'> {
  const tests = ignore().add([...(list('test-paths') ?? DEFAULT_TEST_PATHS)]);
  const isTestFile = (file: string): boolean => {
    const rel = relativeTo(file);
    return rel !== undefined && tests.ignores(rel);
  };
  const table = values.severity;
  if (table === undefined) return { isTestFile };
  if (!table || typeof table !== 'object' || Array.isArray(table) || table instanceof Date) {
    error(`\`severity\` must be a table of rule code = level ("info", "low", "medium", "high"), not ${typeName(table)}`);
    return { isTestFile };
  }
  const severity: Record<string, Severity> = {};
  for (const [code, level] of Object.entries(table as Record<string, unknown>)) {
    if (!isKnownRuleCode(code)) error(unknownRuleCodeMessage('`severity`', code));
    else if (typeof level !== 'string' || !(SEVERITIES as readonly string[]).includes(level)) {
      error(`\`severity.${code}\` must be one of ${SEVERITIES.map((item) => `"${item}"`).join(', ')}, not ${typeof level === 'string' ? `"${level}"` : typeName(level)}`);
    } else severity[code] = level as Severity;
  }
  return { severity, isTestFile };
}

/** `a string`, `a list`, `a table`… for messages about TOML values. */
function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (value === null || value === undefined) return 'empty';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return Number.isInteger(value) || typeof value === 'bigint' ? 'an integer' : 'a float';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a table';
    default:
      return typeof value;
  }
}
