import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { parse as parseToml } from 'smol-toml';
import { CONFIDENCES, SEVERITIES, type Confidence, type Severity } from '../engine';

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
  /** Whether a file (absolute path) is excluded. */
  isExcluded(file: string): boolean;
  /** Rule codes ignored for this file by `per-file-ignores`. */
  ignoredFor(file: string): string[];
  /** Problems found while reading it (unknown keys, wrong types); the rest still applies. */
  readonly warnings: readonly string[];
}

const CONFIG_FILES = ['vigil.toml', '.vigil.toml', 'pyproject.toml'];
const KNOWN_KEYS = new Set(['select', 'ignore', 'exclude', 'per-file-ignores', 'min-severity', 'min-confidence']);

export class ConfigError extends Error {}

/** Reads and caches configurations per folder. `clear()` after a configuration file changes. */
export class ConfigResolver {
  private readonly byDirectory = new Map<string, ProjectConfig | null>();

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
      if (!existsSync(path)) continue;
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
  let document: Record<string, unknown>;
  try {
    document = parseToml(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  let table: unknown = document;
  if (path.endsWith('pyproject.toml')) {
    table = (document.tool as Record<string, unknown> | undefined)?.vigil;
    if (table === undefined) return null;
  }
  if (!table || typeof table !== 'object') throw new ConfigError(`${path}: [tool.vigil] must be a table`);
  const values = table as Record<string, unknown>;
  const warnings: string[] = [];
  for (const key of Object.keys(values)) if (!KNOWN_KEYS.has(key)) warnings.push(`${path}: unknown key \`${key}\``);

  const list = (key: string): string[] | undefined => {
    const value = values[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    warnings.push(`${path}: \`${key}\` must be a list of strings`);
    return undefined;
  };
  const level = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const value = values[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    warnings.push(`${path}: \`${key}\` must be one of ${allowed.join(', ')}`);
    return undefined;
  };

  const root = dirname(path);
  const excluded = ignore().add(list('exclude') ?? []);
  const perFile: Array<{ matcher: Ignore; codes: string[] }> = [];
  const perFileTable = values['per-file-ignores'];
  if (perFileTable && typeof perFileTable === 'object' && !Array.isArray(perFileTable)) {
    for (const [pattern, codes] of Object.entries(perFileTable as Record<string, unknown>)) {
      if (Array.isArray(codes) && codes.every((code) => typeof code === 'string')) {
        perFile.push({ matcher: ignore().add(pattern), codes: codes as string[] });
      } else {
        warnings.push(`${path}: per-file-ignores \`${pattern}\` must map to a list of rule codes`);
      }
    }
  } else if (perFileTable !== undefined) {
    warnings.push(`${path}: \`per-file-ignores\` must be a table`);
  }
  const relativeTo = (file: string): string | undefined => {
    const rel = relative(root, file);
    return rel === '' || rel.startsWith('..') ? undefined : rel.split(sep).join('/');
  };

  const select = list('select');
  const ignoreCodes = list('ignore');
  const minSeverity = level('min-severity', SEVERITIES);
  const minConfidence = level('min-confidence', CONFIDENCES);
  return {
    path,
    ...(select ? { select } : {}),
    ...(ignoreCodes ? { ignore: ignoreCodes } : {}),
    ...(minSeverity ? { minSeverity } : {}),
    ...(minConfidence ? { minConfidence } : {}),
    isExcluded: (file) => {
      const rel = relativeTo(file);
      return rel !== undefined && excluded.ignores(rel);
    },
    ignoredFor: (file) => {
      const rel = relativeTo(file);
      return rel === undefined ? [] : perFile.filter((entry) => entry.matcher.ignores(rel)).flatMap((entry) => entry.codes);
    },
    warnings,
  };
}
