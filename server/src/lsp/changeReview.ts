import { dirname, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  analyzeText,
  changedLinesFromGit,
  findingKeys,
  LineIndex,
  touchesChange,
  type Finding,
  type PythonParser,
} from '../engine';
import { changeVerdict, renderChangeReview, type ChangedFileReview } from '../engine/report/changeReview';
import {
  absolutePath,
  changeSetFromGit,
  classifyChangedFiles,
  deletedFileReviews,
  isReviewable,
  isUnder,
  type ChangedFileAnalysis,
} from '../host/changes';
import { decodePythonSource, displayPath, readPythonSource } from '../host/files';
import { baseContent, changedFiles, changedLinesBetween, defaultBase, GitError, repositoryRoot, resolveBase, type ChangedFile, type GitBase } from '../host/git';
import { isNotebookPath, notebookToPython, readSource, type CellLine } from '../host/notebook';
import type { ReviewChangesParams, ReviewChangesResult, VigilSettings } from '../protocol';
import type { OpenDocument } from './documents';
import type { FilePolicy } from './settings';

/**
 * The editor's side of reviewing a change (issue 9): "Vigil: Review Changes" (`vigil/reviewChanges`) and the
 * `vigil.showFindings: changed` filter of published diagnostics. Git is read through `host/git.ts`; what a change
 * introduces is decided by `host/changes.ts` and `engine/analysis/changes.ts`, as for `vigil review --diff`. The
 * difference is the editor's buffers: an open document's text replaces its file, and its changed lines are those
 * of the buffer against the base version (`git diff --no-index`).
 */
export interface ChangeReviewHost {
  readonly parser: () => PythonParser;
  readonly folders: () => readonly string[];
  readonly settingsFor: (uri: string) => Promise<VigilSettings>;
  /** Editor settings and project configuration of one file, as the file's own diagnostics use them. */
  readonly policyFor: (uri: string, settings: VigilSettings) => FilePolicy;
  /** The open document of a URI (its buffer is the truth for the file). */
  readonly openDocument: (uri: string) => OpenDocument | undefined;
  readonly openDocuments: () => readonly OpenDocument[];
  readonly log: (message: string) => void;
}

/** The base text of one open document, per base setting: read once, refreshed on save or a change of settings. */
interface BaseOfDocument {
  readonly setting: string;
  /** `text: null`: the base has no such file (every line is new); `error`: not in a repository, or git failed. */
  readonly promise: Promise<{ readonly text: string | null } | { readonly error: string }>;
}

/** Changed lines computed for one revision of a document's text. */
interface ChangedOfDocument {
  readonly revision: number;
  readonly base: BaseOfDocument;
  readonly promise: Promise<ReturnType<typeof changedLinesFromGit> | null>;
}

export class ChangeReviews {
  private readonly bases = new Map<string, BaseOfDocument>();
  private readonly changed = new Map<string, ChangedOfDocument>();
  private readonly logged = new Set<string>();

  constructor(private readonly host: ChangeReviewHost) {}

  /** The workspace folder holding `uri` (a folder or a file), else the folder itself (a file's folder); default the first. */
  private folderFor(uri: string | undefined): string | undefined {
    const folders = this.host.folders();
    const path = uri ? uriToPath(uri) : undefined;
    if (!path) return uri ? undefined : folders[0];
    const holding = folders
      .filter((folder) => path === folder || path.startsWith(folder + sep))
      .sort((a, b) => b.length - a.length)[0];
    if (holding) return holding;
    return /\.(py|ipynb)$/.test(path) ? dirname(path) : path;
  }

  /** `vigil/reviewChanges`: the working tree (with open buffers) against the base, reviewed as `vigil review --diff`. */
  async review(params: ReviewChangesParams | undefined): Promise<ReviewChangesResult> {
    const folder = this.folderFor(typeof params?.folderUri === 'string' ? params.folderUri : undefined);
    if (!folder) return { error: 'open a folder to review its changes (Review Changes compares a git working tree with a base).' };
    const folderSettings = await this.host.settingsFor(pathToFileURL(folder).href);
    const asked = typeof params?.base === 'string' && params.base.trim() !== '' ? params.base.trim() : folderSettings.reviewChangesBase;
    let change;
    try {
      change = await changeSetFromGit(folder, asked === '' ? undefined : asked);
    } catch (error) {
      // The CLI's hint (`--diff -` for a patch) means nothing here.
      if (error instanceof GitError) return { error: error.message.replace(/ \(reviewing a change needs one; .*\)$/, ': Review Changes compares a git working tree with a base revision.') };
      throw error;
    }
    const files = change.files.filter((file) => file.path !== null && isReviewable(file.path) && isUnder(absolutePath(change, file.path), [folder]));
    // Open buffers that differ from the base although their files do not (edits not saved yet) are changed files too.
    const listed = new Set(files.map((file) => absolutePath(change, file.path!)));
    const unsaved: ChangedFile[] = [];
    for (const document of this.host.openDocuments()) {
      const path = uriToPath(document.uri);
      if (!path || listed.has(path) || !path.endsWith('.py') || !isUnder(path, [folder]) || !isUnder(path, [change.root])) continue;
      const rel = relative(change.root, path).split(sep).join('/');
      const onDisk = readPythonSource(path);
      if ('text' in onDisk && onDisk.text === document.source.text) continue;
      unsaved.push({ path: rel, oldPath: rel, status: 'modified', added: [], wholeFile: false });
    }
    files.push(...unsaved);

    const analyses: Array<ChangedFileAnalysis & { readonly shown: string; readonly lineIndex: LineIndex; readonly hasSyntaxErrors: boolean; readonly cellOf?: (line: number) => CellLine }> = [];
    const notAnalysed: Array<{ path: string; message: string }> = [];
    // Policies are computed before classifying (which needs a synchronous `analyse`).
    const policies = new Map<string, FilePolicy>();
    const policyOf = async (path: string): Promise<FilePolicy> => {
      let policy = policies.get(path);
      if (!policy) {
        const uri = pathToFileURL(path).href;
        policy = this.host.policyFor(uri, await this.host.settingsFor(uri));
        policies.set(path, policy);
      }
      return policy;
    };
    for (let file of files) {
      const path = absolutePath(change, file.path!);
      const shown = displayPath(path, folder);
      const policy = await policyOf(path);
      if (policy.excluded) continue;
      const document = this.host.openDocument(pathToFileURL(path).href);
      let text: string;
      let cellOf: ((line: number) => CellLine) | undefined;
      if (document && !isNotebookPath(path)) {
        text = document.source.text;
        // The buffer may differ from the file git compared: its own changed lines, against the base version.
        const onDisk = readPythonSource(path);
        if (!('text' in onDisk) || onDisk.text !== text) {
          const base = file.oldPath === null || !change.base ? null : await baseContent(change.root, change.base, file.oldPath);
          const decoded = base === null ? null : decodePythonSource(base);
          if (decoded && 'text' in decoded) file = { ...file, added: await changedLinesBetween(decoded.text, text), wholeFile: false };
          else if (base === null && unsaved.includes(file)) continue; // not in the base, not listed by git: ignored by it
          else if (base === null) file = { ...file, oldPath: null, status: 'added', wholeFile: true };
        }
      } else {
        const read = readSource(path);
        if ('error' in read) {
          notAnalysed.push({ path: shown, message: read.error });
          continue;
        }
        text = read.text;
        const lines = read.lines;
        if (lines) cellOf = (line) => lines.locate(line);
      }
      const result = analyzeText(this.host.parser(), text, policy.selection, { knowledge: policy.knowledge });
      analyses.push({
        file,
        text,
        findings: result.findings,
        keys: findingKeys(result.findings, result.syntax, result.lineIndex),
        shown,
        lineIndex: result.lineIndex,
        hasSyntaxErrors: result.hasSyntaxErrors,
        ...(cellOf ? { cellOf } : {}),
      });
    }
    // Base versions are analysed with the policy of the file as it is now (renamed and deleted files included).
    for (const file of unsaved.concat(change.files)) if (file.oldPath !== null) await policyOf(absolutePath(change, file.path ?? file.oldPath));
    const states = await classifyChangedFiles(
      { ...change, files: [...change.files, ...unsaved] },
      analyses,
      (text, path) => {
        const policy = policies.get(path);
        return analyzeText(this.host.parser(), text, policy?.selection ?? {}, policy ? { knowledge: policy.knowledge } : {});
      },
      {
        currentText: (path) => this.host.openDocument(pathToFileURL(path).href)?.source.text ?? null,
        warn: (message) => this.host.log(`vigil: review changes: ${message}`),
      },
    );
    const reviewed: ChangedFileReview[] = analyses.map((item, i) => {
      const fresh = item.findings.filter((_, j) => states[i]![j] === 'new');
      return {
        displayPath: item.shown,
        text: item.text,
        lineIndex: item.lineIndex,
        findings: fresh,
        hasSyntaxErrors: item.hasSyntaxErrors,
        status: item.file.status,
        ...(item.file.status === 'renamed' && item.file.oldPath !== null ? { oldPath: item.file.oldPath } : {}),
        unchanged: item.findings.length - fresh.length,
        ...(item.cellOf ? { cellOf: item.cellOf } : {}),
      };
    });
    const deleted = deletedFileReviews(change, [folder], (path) => displayPath(path, folder));
    const introduced = reviewed.flatMap((file) => file.findings);
    const base = {
      label: change.label,
      isRef: change.label === asked || change.label === 'HEAD',
      ...(change.base ? { commit: change.base.commit } : {}),
    };
    return {
      markdown: renderChangeReview({ base, files: [...reviewed, ...deleted], notAnalysed }),
      verdict: changeVerdict(introduced),
      findingCount: introduced.length,
      files: reviewed.length + deleted.length,
    };
  }

  /**
   * For `vigil.showFindings: changed`: the findings of an open document that touch the lines its buffer changed
   * against the base (`vigil.reviewChanges.base`, else the default). Every finding when the setting is `all`, when
   * the file is new to the base, or when git cannot say (not a repository, git failing: logged once per message).
   */
  async filterForChanges(document: OpenDocument, findings: readonly Finding[], settings: VigilSettings): Promise<readonly Finding[]> {
    if (settings.showFindings !== 'changed' || findings.length === 0) return findings;
    const changed = await this.changedLinesOf(document, settings.reviewChangesBase);
    return changed ? findings.filter((finding) => touchesChange(finding, changed)) : findings;
  }

  /** A file was saved or closed: its base is read again next time (the branch or the upstream may have moved). */
  forget(uri: string): void {
    this.bases.delete(uri);
    this.changed.delete(uri);
  }

  /** Settings changed (the base may have): every base is read again. */
  clear(): void {
    this.bases.clear();
    this.changed.clear();
    this.logged.clear();
  }

  private changedLinesOf(document: OpenDocument, setting: string): Promise<ReturnType<typeof changedLinesFromGit> | null> {
    const base = this.baseOf(document.uri, setting);
    const known = this.changed.get(document.uri);
    if (known && known.revision === document.revision && known.base === base) return known.promise;
    const text = document.source.text;
    const promise = base.promise.then(async (read) => {
      if ('error' in read) {
        this.logOnce(`vigil: showFindings "changed": ${read.error}; showing every finding of ${document.uri}`);
        return null;
      }
      if (read.text === null) return null; // new to the base: every line is changed, every finding shown
      try {
        return changedLinesFromGit(text, await changedLinesBetween(read.text, text));
      } catch (error) {
        this.logOnce(`vigil: showFindings "changed": ${(error as Error).message}; showing every finding`);
        return null;
      }
    });
    this.changed.set(document.uri, { revision: document.revision, base, promise });
    return promise;
  }

  private baseOf(uri: string, setting: string): BaseOfDocument {
    const known = this.bases.get(uri);
    if (known && known.setting === setting) return known;
    const promise = (async () => {
      const path = uriToPath(uri);
      if (!path) return { error: `${uri} is not a file` };
      try {
        const root = await repositoryRoot(dirname(path));
        const base: GitBase = setting === '' ? await defaultBase(root) : await resolveBase(root, setting);
        const rel = relative(root, path).split(sep).join('/');
        let bytes = await baseContent(root, base, rel);
        if (bytes === null) {
          // A file renamed since the base (`git mv`, then edited): its base text is under its old name, as git's
          // rename detection pairs them (the Review Changes report does the same through `changedFiles`).
          const renamed = (await changedFiles(root, base)).find((file) => file.path === rel && file.status === 'renamed');
          if (renamed?.oldPath) bytes = await baseContent(root, base, renamed.oldPath);
        }
        if (bytes === null) return { text: null };
        // An open notebook's text is its cells' joined Python: compared with the base version's, joined alike.
        if (isNotebookPath(path)) {
          const python = notebookToPython(bytes.toString('utf8'));
          return 'error' in python ? { error: `the base version of ${path} cannot be read: ${python.error}` } : { text: python.text };
        }
        const decoded = decodePythonSource(bytes);
        return 'text' in decoded ? { text: decoded.text } : { error: `the base version of ${path} cannot be read: ${decoded.error}` };
      } catch (error) {
        // Whatever failed (git, a temporary file), the editor shows every finding rather than none.
        return { error: error instanceof Error ? error.message : String(error) };
      }
    })();
    const entry = { setting, promise };
    this.bases.set(uri, entry);
    return entry;
  }

  private logOnce(message: string): void {
    if (this.logged.has(message)) return;
    this.logged.add(message);
    this.host.log(message);
  }
}

function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}
