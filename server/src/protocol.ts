/**
 * What the client and the server say to each other beyond standard LSP, and the settings the client declares
 * (package.json `contributes.configuration`) and the server pulls per document. Imported by both sides; it
 * must stay free of imports so neither drags the other's dependencies in.
 */

export type RunTrigger = 'onType' | 'onSave';
export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint';
export type WorkspaceReviewScope = 'openFilesOnly' | 'workspace';
export type ConfigurationPreference = 'editorFirst' | 'filesystemFirst' | 'editorOnly';
/** `changed`: the editor shows only the findings on lines changed against the base of Review Changes. */
export type ShowFindings = 'all' | 'changed';

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
  /** `vigil.showFindings`: every finding of an open file, or only those touching lines changed against the base. */
  readonly showFindings: ShowFindings;
  /**
   * `vigil.reviewChanges.base`: the git revision Review Changes and `showFindings: changed` compare with; empty for
   * the default (the merge base with the upstream branch, else `HEAD`).
   */
  readonly reviewChangesBase: string;
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
  showFindings: 'all',
  reviewChangesBase: '',
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

/**
 * `vigil/reviewChanges`: the Markdown review of what the working tree changes against a git base (Review Changes),
 * open documents' buffers taking the place of their files.
 */
export const REVIEW_CHANGES_REQUEST = 'vigil/reviewChanges';

export interface ReviewChangesParams {
  /** A workspace folder, or a file or folder inside one (the active file): its workspace folder is reviewed. Default: the first. */
  readonly folderUri?: string;
  /** A git revision to compare with; default `vigil.reviewChanges.base`, else the merge base with the upstream branch, else `HEAD`. */
  readonly base?: string;
}

/** The report, or (`error`) why there is none: not a git repository, an unknown revision, no workspace folder. */
export type ReviewChangesResult =
  | { readonly markdown: string; readonly verdict: string; readonly findingCount: number; readonly files: number }
  | { readonly error: string };

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
  /** Files found but not reviewed (unreadable, not regular, binary, too large, a name that is not UTF-8). */
  readonly skipped: number;
  /** The same files, each with the reason. */
  readonly skippedFiles: readonly SkippedFile[];
  readonly cancelled: boolean;
}

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
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
