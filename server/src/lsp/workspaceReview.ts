import { pathToFileURL } from 'node:url';
import type { Connection, Diagnostic } from 'vscode-languageserver';
import { analyzeText, type Finding, type LineIndex, type PythonParser, type SyntaxTree } from '../engine';
import type { ConfigResolver } from '../host/config';
import { findPythonFiles, visiblePath } from '../host/files';
import { isNotebookPath, readSource } from '../host/notebook';
import type { ReviewWorkspaceResult, SkippedFile, VigilSettings } from '../protocol';
import { filePolicy } from './settings';

export interface WorkspaceReviewContext {
  readonly connection: Connection;
  readonly parser: PythonParser;
  readonly configs: ConfigResolver;
  readonly folders: readonly string[];
  /** Settings for a file (pulled per resource). */
  settingsFor(uri: string): Promise<VigilSettings>;
  /** An open document's current findings (it keeps its live diagnostics; the review only counts them). */
  openFindings(uri: string): Promise<readonly Finding[] | undefined>;
  toDiagnostics(findings: readonly Finding[], uri: string, settings: VigilSettings): Diagnostic[];
  /** The findings of a file analysed from disk that are shown: those the configuration's baseline does not hold. */
  shown(uri: string, findings: readonly Finding[], settings: VigilSettings, analysis: { readonly syntax: SyntaxTree; readonly lineIndex: LineIndex }): readonly Finding[];
  /** Files whose diagnostics the review published (to clear or refresh them later). */
  readonly published: Set<string>;
}

/** Why a file whose name is not UTF-8 is not reviewed: an LSP URI cannot name it, so no diagnostic could reach it. */
export const NON_UTF8_NAME = 'skipped: its name is not valid UTF-8 (the editor cannot address it; `vigil check` analyses it)';

/**
 * Reviews every Python file of the workspace folders (honouring .gitignore, `vigil.exclude` and the project
 * configuration), publishing each file's findings as it goes, so the Problems panel fills for files never opened.
 * Yields to the event loop between files: progress is reported and cancellation is honoured promptly.
 */
export async function reviewWorkspace(
  context: WorkspaceReviewContext,
  token: { readonly isCancellationRequested: boolean },
  report: (done: number, total: number) => void,
): Promise<ReviewWorkspaceResult> {
  const bySeverity = { high: 0, medium: 0, low: 0, info: 0 };
  let findings = 0;
  let filesWithFindings = 0;
  const skippedFiles: SkippedFile[] = [];
  const skip = (path: string, reason: string): void => {
    skippedFiles.push({ path, reason });
    context.connection.console.warn(`vigil: Review Workspace: ${path}: ${reason}`);
  };
  const files: string[] = [];
  for (const folder of context.folders) {
    const folderSettings = await context.settingsFor(pathToFileURL(folder).href);
    const found = findPythonFiles([folder], {
      isExcluded: (path) => filePolicy(folderSettings, path, folder, context.configs).excluded,
      notebooks: true,
    });
    files.push(...found.files);
    for (const path of found.rawFiles) skip(visiblePath(path), NON_UTF8_NAME);
    for (const problem of found.problems) if (problem.kind === 'file') skip(visiblePath(problem.path), problem.message);
  }
  const result = (files: number, cancelled: boolean): ReviewWorkspaceResult =>
    ({ files, filesWithFindings, findings, bySeverity, skipped: skippedFiles.length, skippedFiles, cancelled });
  const count = (found: readonly Finding[]): void => {
    for (const finding of found) bySeverity[finding.severity]++;
    findings += found.length;
    if (found.length > 0) filesWithFindings++;
  };
  let done = 0;
  for (const path of files) {
    if (token.isCancellationRequested) {
      return result(done, true);
    }
    const uri = pathToFileURL(path).href;
    report(done, files.length);
    await new Promise((resolve) => setImmediate(resolve));
    done++;
    const open = await context.openFindings(uri);
    if (open) {
      count(open);
      continue;
    }
    const settings = await context.settingsFor(uri);
    if (!settings.enable) continue;
    // A notebook's Python cells are read as one module, as the CLI reads them.
    const read = readSource(path);
    if ('error' in read) {
      skip(path, read.error);
      continue;
    }
    const folder = context.folders.find((candidate) => path.startsWith(candidate));
    const policy = filePolicy(settings, path, folder, context.configs);
    const analysis = analyzeText(context.parser, read.text, policy.selection, { knowledge: policy.knowledge });
    const shown = context.shown(uri, analysis.findings, settings, analysis);
    count(shown);
    // A closed notebook's findings are counted; squiggles need its cells' URIs, which only an open notebook has.
    if (isNotebookPath(path)) continue;
    if (shown.length > 0 || context.published.has(uri)) {
      context.published.add(uri);
      void context.connection.sendDiagnostics({ uri, diagnostics: context.toDiagnostics(shown, uri, settings) });
    }
  }
  report(files.length, files.length);
  return result(files.length, false);
}
