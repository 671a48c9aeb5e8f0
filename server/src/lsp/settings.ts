import { relative, sep } from 'node:path';
import ignore from 'ignore';
import type { Connection } from 'vscode-languageserver';
import type { RuleSelection } from '../engine';
import type { ConfigResolver, ProjectConfig } from '../host/config';
import {
  DEFAULT_SETTINGS,
  type ConfigurationPreference,
  type DiagnosticLevel,
  type VigilSettings,
  type WorkspaceReviewScope,
} from '../protocol';

const LEVELS: readonly DiagnosticLevel[] = ['error', 'warning', 'information', 'hint'];

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Accepts whatever the client sends and keeps only well-formed values (a typo in settings.json is not a crash). */
export function normalizeSettings(raw: unknown): VigilSettings {
  const value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const severity: Record<string, DiagnosticLevel> = {};
  if (value.severity && typeof value.severity === 'object') {
    for (const [key, level] of Object.entries(value.severity as Record<string, unknown>)) {
      const normalized = typeof level === 'string' ? level.toLowerCase() : '';
      if ((LEVELS as readonly string[]).includes(normalized)) severity[key.toUpperCase()] = normalized as DiagnosticLevel;
    }
  }
  return {
    enable: typeof value.enable === 'boolean' ? value.enable : DEFAULT_SETTINGS.enable,
    run: oneOf(value.run, ['onType', 'onSave'], DEFAULT_SETTINGS.run),
    select: stringList(value.select),
    ignore: stringList(value.ignore),
    minimumConfidence: oneOf(value.minimumConfidence, ['low', 'medium', 'high'], DEFAULT_SETTINGS.minimumConfidence),
    severity,
    exclude: stringList(value.exclude),
    workspaceReview: oneOf<WorkspaceReviewScope>(value.workspaceReview, ['openFilesOnly', 'workspace'], DEFAULT_SETTINGS.workspaceReview),
    configurationPreference: oneOf<ConfigurationPreference>(
      value.configurationPreference,
      ['editorFirst', 'filesystemFirst', 'editorOnly'],
      DEFAULT_SETTINGS.configurationPreference,
    ),
  };
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
        .then(normalizeSettings, () => DEFAULT_SETTINGS);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}

/** What applies to one file once editor settings and the project configuration are combined. */
export interface FilePolicy {
  readonly excluded: boolean;
  readonly selection: RuleSelection;
  readonly config: ProjectConfig | undefined;
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
    selection: {
      ...(select ? { select } : {}),
      ...(ignoreCodes.length > 0 ? { ignore: ignoreCodes } : {}),
      ...(minConfidence ? { minConfidence } : {}),
      ...(config?.minSeverity ? { minSeverity: config.minSeverity } : {}),
    },
  };
}
