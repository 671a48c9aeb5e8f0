/**
 * What the client and the server say to each other beyond standard LSP, and the settings the client declares
 * (package.json `contributes.configuration`) and the server pulls per document. Imported by both sides; it
 * must stay free of imports so neither drags the other's dependencies in.
 */

export type RunTrigger = 'onType' | 'onSave';
export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint';

/** `vigil.*` settings as the server reads them (defaults in `DEFAULT_SETTINGS`). */
export interface VigilSettings {
  readonly enable: boolean;
  readonly run: RunTrigger;
  readonly select: readonly string[];
  readonly ignore: readonly string[];
  readonly minimumConfidence: 'low' | 'medium' | 'high';
  /** Per rule ID, or per severity level (`high`, `medium`, `low`, `info`), the editor's diagnostic level. */
  readonly severity: Readonly<Record<string, DiagnosticLevel>>;
}

export const DEFAULT_SETTINGS: VigilSettings = {
  enable: true,
  run: 'onType',
  select: [],
  ignore: [],
  minimumConfidence: 'low',
  severity: {},
};

/** `vigil/reviewFile`: the Review File report of an open (or on-disk) document. */
export const REVIEW_FILE_REQUEST = 'vigil/reviewFile';

export interface ReviewFileParams {
  readonly uri: string;
}

export interface ReviewFileResult {
  readonly markdown: string;
  readonly verdict: string;
  readonly findingCount: number;
}
