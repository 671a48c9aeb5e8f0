/**
 * What the client and the server say to each other beyond standard LSP, and the settings the client declares
 * (package.json `contributes.configuration`) and the server pulls per document. Imported by both sides; it
 * must stay free of imports so neither drags the other's dependencies in.
 */

export type RunTrigger = 'onType' | 'onSave';
export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint';
export type WorkspaceReviewScope = 'openFilesOnly' | 'workspace';
export type ConfigurationPreference = 'editorFirst' | 'filesystemFirst' | 'editorOnly';

/** `vigil.*` settings as the server reads them (defaults in `DEFAULT_SETTINGS`). */
export interface VigilSettings {
  readonly enable: boolean;
  readonly run: RunTrigger;
  readonly select: readonly string[];
  readonly ignore: readonly string[];
  readonly minimumConfidence: 'low' | 'medium' | 'high';
  /** Per rule ID, or per severity level (`high`, `medium`, `low`, `info`), the editor's diagnostic level. */
  readonly severity: Readonly<Record<string, DiagnosticLevel>>;
  /** .gitignore-style patterns of files Vigil leaves alone, relative to the workspace folder. */
  readonly exclude: readonly string[];
  /** `workspace`: keep every Python file of the workspace reviewed, not only the open ones. */
  readonly workspaceReview: WorkspaceReviewScope;
  /** How editor settings and `vigil.toml`/`[tool.vigil]` combine (as Ruff's setting of the same name). */
  readonly configurationPreference: ConfigurationPreference;
}

export const DEFAULT_SETTINGS: VigilSettings = {
  enable: true,
  run: 'onType',
  select: [],
  ignore: [],
  minimumConfidence: 'low',
  severity: {},
  exclude: [],
  workspaceReview: 'openFilesOnly',
  configurationPreference: 'editorFirst',
};

/** `vigil/reviewFile`: the Review File report of an open (or on-disk) document. */
export const REVIEW_FILE_REQUEST = 'vigil/reviewFile';

export interface ReviewFileParams {
  readonly uri: string;
  /**
   * Where the client will save the report (a file URI): each finding's line then becomes a link relative to it,
   * `../src/app.py#L14`, which the Markdown preview opens at that line. Plain text otherwise.
   */
  readonly reportUri?: string;
}

export interface ReviewFileResult {
  readonly markdown: string;
  readonly verdict: string;
  readonly findingCount: number;
}

/** `vigil/exportSarif`: the SARIF 2.1.0 log of one document. */
export const EXPORT_SARIF_REQUEST = 'vigil/exportSarif';

export interface ExportSarifParams {
  readonly uri: string;
}

/** `vigil/reviewWorkspace`: analyse every Python file of the workspace and publish the findings. */
export const REVIEW_WORKSPACE_REQUEST = 'vigil/reviewWorkspace';

export interface ReviewWorkspaceResult {
  readonly files: number;
  readonly filesWithFindings: number;
  readonly findings: number;
  readonly bySeverity: Readonly<Record<'high' | 'medium' | 'low' | 'info', number>>;
  readonly skipped: number;
  readonly cancelled: boolean;
}

/** `vigil/rules`: the rule catalogue, for "Show Rule Documentation". */
export const RULES_REQUEST = 'vigil/rules';

export interface RuleSummary {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly severity: string;
  readonly cwe: readonly number[];
  /** The rule's documentation page. */
  readonly docsUri: string;
}

/** `vigil/status` (server → client): what the status bar shows besides the counts. */
export const STATUS_NOTIFICATION = 'vigil/status';

export interface StatusParams {
  readonly state: 'idle' | 'busy' | 'error';
  readonly message?: string;
}

/** Commands the server's code actions ask the client to run. */
export const DISABLE_RULE_COMMAND = 'vigil.disableRule';
export const SHOW_RULE_DOCUMENTATION_COMMAND = 'vigil.showRuleDocumentation';
