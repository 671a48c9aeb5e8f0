import { relative, sep } from 'node:path';
import ignore from 'ignore';
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_KNOWLEDGE, knowledgeWith, type Knowledge, type RuleSelection } from '../engine';
import { isTestFile, type ConfigResolver, type ProjectConfig } from '../host/config';
import {
  DEFAULT_SETTINGS,
  type ConfigurationPreference,
  type DiagnosticLevel,
  type ShowFindings,
  type VigilSettings,
  type WorkspaceReviewScope,
} from '../protocol';

const LEVELS: readonly DiagnosticLevel[] = ['error', 'warning', 'information', 'hint'];

/** Accepts whatever the client sends and keeps only well-formed values (a typo in settings.json is not a crash);
 * each value it could not use is described in `problems`, when given. */
export function normalizeSettings(raw: unknown, problems: string[] = []): VigilSettings {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    problems.push(`the \`vigil\` settings are ${describe(raw)}, not an object: using the defaults`);
  }
  const value = (raw && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const reject = (key: string, expected: string): void => {
    problems.push(`\`vigil.${key}\` is ${describe(value[key])}, not ${expected}: using the default`);
  };
  const boolean = (key: string, fallback: boolean): boolean => {
    if (value[key] === undefined) return fallback;
    if (typeof value[key] === 'boolean') return value[key] as boolean;
    reject(key, 'true or false');
    return fallback;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const given = value[key];
    if (given === undefined) return fallback;
    if (typeof given === 'string' && (allowed as readonly string[]).includes(given)) return given as T;
    reject(key, `one of ${allowed.map((item) => `"${item}"`).join(', ')}`);
    return fallback;
  };
  const stringList = (key: string): string[] => {
    const given = value[key];
    if (given === undefined) return [];
    if (Array.isArray(given) && given.every((item) => typeof item === 'string')) return given as string[];
    reject(key, 'a list of strings');
    return Array.isArray(given) ? given.filter((item): item is string => typeof item === 'string') : [];
  };
  const severity: Record<string, DiagnosticLevel> = {};
  if (value.severity !== undefined && (typeof value.severity !== 'object' || value.severity === null)) reject('severity', 'an object');
  if (value.severity && typeof value.severity === 'object') {
    for (const [key, level] of Object.entries(value.severity as Record<string, unknown>)) {
      const normalized = typeof level === 'string' ? level.toLowerCase() : '';
      if ((LEVELS as readonly string[]).includes(normalized)) severity[key.toUpperCase()] = normalized as DiagnosticLevel;
      else problems.push(`\`vigil.severity.${key}\` is ${describe(level)}, not one of ${LEVELS.join(', ')}: ignored`);
    }
  }
  return {
    enable: boolean('enable', DEFAULT_SETTINGS.enable),
    run: oneOf('run', ['onType', 'onSave'], DEFAULT_SETTINGS.run),
    select: stringList('select'),
    ignore: stringList('ignore'),
    minimumConfidence: oneOf('minimumConfidence', ['low', 'medium', 'high'], DEFAULT_SETTINGS.minimumConfidence),
    severity,
    exclude: stringList('exclude'),
    workspaceReview: oneOf<WorkspaceReviewScope>('workspaceReview', ['openFilesOnly', 'workspace'], DEFAULT_SETTINGS.workspaceReview),
    configurationPreference: oneOf<ConfigurationPreference>(
      'configurationPreference',
      ['editorFirst', 'filesystemFirst', 'editorOnly'],
      DEFAULT_SETTINGS.configurationPreference,
    ),
    showFindings: oneOf<ShowFindings>('showFindings', ['all', 'changed'], DEFAULT_SETTINGS.showFindings),
    reviewChangesBase: reviewChangesBase(value.reviewChanges, problems),
  };
}

/** `vigil.reviewChanges.base` (VS Code sends it as `reviewChanges: { base }`): a revision, or empty for the default. */
function reviewChangesBase(section: unknown, problems: string[]): string {
  if (section === undefined || section === null) return DEFAULT_SETTINGS.reviewChangesBase;
  const base = typeof section === 'object' && !Array.isArray(section) ? (section as Record<string, unknown>).base : section;
  if (base === undefined || base === null) return DEFAULT_SETTINGS.reviewChangesBase;
  if (typeof base === 'string') return base.trim();
  problems.push(`\`vigil.reviewChanges.base\` is ${describe(base)}, not a string: using the default`);
  return DEFAULT_SETTINGS.reviewChangesBase;
}

function describe(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 80);
  } catch {
    return String(value);
  }
}

/**
 * Settings pulled from the client per document (`workspace/configuration` with the document as scope) and
 * cached per document until the client says they changed. Clients without that request get the defaults.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<VigilSettings>>();
  supportsPull = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<VigilSettings> {
    if (!this.supportsPull) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'vigil' })
        .then(
          (raw) => {
            const problems: string[] = [];
            const normalized = normalizeSettings(raw, problems);
            for (const problem of problems) this.warnOnce(`vigil: settings: ${problem}`);
            return normalized;
          },
          (error: unknown) => {
            this.warnOnce(`vigil: settings: the client did not answer workspace/configuration (${String(error)}): using the defaults`);
            return DEFAULT_SETTINGS;
          },
        );
      this.cache.set(uri, settings);
    }
    return settings;
  }

  private readonly warned = new Set<string>();

  /** Logs a settings problem once (settings are pulled per document: the same typo would repeat). */
  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.connection.console.warn(message);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
    this.warned.clear();
  }
}

/** What applies to one file once editor settings and the project configuration are combined. */
export interface FilePolicy {
  readonly excluded: boolean;
  readonly selection: RuleSelection;
  readonly config: ProjectConfig | undefined;
  /** What the flow layer knows for this file: Vigil's models plus the project's `extend-*` entries. */
  readonly knowledge: Knowledge;
}

/**
 * Combines editor settings with the nearest project configuration, as `configurationPreference` says:
 * `editorFirst` — editor values win where the user set them; `filesystemFirst` — the file's values win where it
 * sets them; `editorOnly` — the file is not read. Ignores and excludes from both sides always add up.
 */
export function filePolicy(
  settings: VigilSettings,
  path: string | undefined,
  workspaceFolder: string | undefined,
  configs: ConfigResolver,
): FilePolicy {
  const config = path && settings.configurationPreference !== 'editorOnly' ? configs.configFor(path) : undefined;
  const editorExcluded =
    !!path &&
    !!workspaceFolder &&
    settings.exclude.length > 0 &&
    (() => {
      const rel = relative(workspaceFolder, path).split(sep).join('/');
      return !rel.startsWith('..') && ignore().add([...settings.exclude]).ignores(rel);
    })();
  const excluded = editorExcluded || (!!path && !!config?.isExcluded(path));

  const editorSelect = settings.select.length > 0 ? settings.select : undefined;
  const editorConfidence = settings.minimumConfidence !== DEFAULT_SETTINGS.minimumConfidence ? settings.minimumConfidence : undefined;
  const fileFirst = settings.configurationPreference === 'filesystemFirst';
  const select = fileFirst ? (config?.select ?? editorSelect) : (editorSelect ?? config?.select);
  const minConfidence = fileFirst ? (config?.minConfidence ?? editorConfidence) : (editorConfidence ?? config?.minConfidence);
  const ignoreCodes = [...settings.ignore, ...(config?.ignore ?? []), ...(path && config ? config.ignoredFor(path) : [])];
  return {
    excluded,
    config,
    knowledge: config?.knowledge ? knowledgeWith(config.knowledge) : DEFAULT_KNOWLEDGE,
    selection: {
      ...(select ? { select } : {}),
      ...(ignoreCodes.length > 0 ? { ignore: ignoreCodes } : {}),
      ...(minConfidence ? { minConfidence } : {}),
      ...(config?.minSeverity ? { minSeverity: config.minSeverity } : {}),
      // The project's `severity` and `test-paths` (the editor's `vigil.severity` maps levels to squiggles after).
      ...(config?.severity && Object.keys(config.severity).length > 0 ? { severity: config.severity } : {}),
      ...(path && isTestFile(path, config, workspaceFolder) ? { testFile: true } : {}),
    },
  };
}
