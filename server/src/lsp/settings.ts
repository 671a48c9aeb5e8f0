import type { Connection } from 'vscode-languageserver';
import { DEFAULT_SETTINGS, type DiagnosticLevel, type RunTrigger, type VigilSettings } from '../protocol';

const LEVELS: readonly DiagnosticLevel[] = ['error', 'warning', 'information', 'hint'];

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
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
  const confidence = value.minimumConfidence;
  return {
    enable: typeof value.enable === 'boolean' ? value.enable : DEFAULT_SETTINGS.enable,
    run: value.run === 'onSave' || value.run === 'onType' ? (value.run as RunTrigger) : DEFAULT_SETTINGS.run,
    select: stringList(value.select),
    ignore: stringList(value.ignore),
    minimumConfidence: confidence === 'medium' || confidence === 'high' || confidence === 'low' ? confidence : 'low',
    severity,
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
