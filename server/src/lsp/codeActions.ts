import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Finding } from '../engine';
import { suppressionLine } from '../engine';
import type { OpenDocument } from './documents';

/**
 * Code actions for Vigil's diagnostics: the rule's fix when it has one, then "Suppress <ID> on this line" and
 * "Suppress <ID> in this file". Edits name the document version, so a client applies them only to the text
 * they were computed for.
 */
export function codeActionsFor(
  document: OpenDocument,
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
): CodeAction[] {
  const actions: CodeAction[] = [];
  const seenSuppressions = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'vigil') continue;
    const finding = findings.find(
      (candidate) => candidate.ruleId === diagnostic.code && sameRange(candidate.range, diagnostic.range),
    );
    if (!finding) continue;
    for (const fix of finding.fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.safety === 'safe',
        edit: versionedEdit(document, fix.edits.map((edit) => ({ range: edit.range, newText: edit.newText }))),
      });
    }
    const lineEdit = suppressLineEdit(document, finding);
    const lineKey = `${finding.ruleId}:${lineEdit.range.start.line}`;
    if (!seenSuppressions.has(lineKey)) {
      seenSuppressions.add(lineKey);
      actions.push({
        title: `Suppress ${finding.ruleId} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: versionedEdit(document, [lineEdit]),
      });
    }
    if (!seenSuppressions.has(finding.ruleId)) {
      seenSuppressions.add(finding.ruleId);
      actions.push({
        title: `Suppress ${finding.ruleId} in this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: versionedEdit(document, [suppressFileEdit(document, finding.ruleId)]),
      });
    }
  }
  return actions;
}

function sameRange(a: Finding['range'], b: Diagnostic['range']): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

function versionedEdit(document: OpenDocument, edits: TextEdit[]) {
  return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits }] };
}

const VIGIL_IGNORE = /#\s*vigil:\s*ignore\[([^\]]*)\]/;
const VIGIL_IGNORE_FILE = /#\s*vigil:\s*ignore-file\[([^\]]*)\]/;

/** Adds the ID to an existing `# vigil: ignore[...]` on the line, or appends a new comment. */
export function suppressLineEdit(document: OpenDocument, finding: Finding): TextEdit {
  const { syntax, lineIndex } = document.source;
  const line = suppressionLine(lineIndex.offsetAt(finding.range.start), syntax, lineIndex);
  const existing = syntax.comments.find(
    (comment) => lineIndex.positionAt(comment.start).line === line && VIGIL_IGNORE.test(comment.text),
  );
  if (existing) return extendList(document, existing.start, existing.text, VIGIL_IGNORE, finding.ruleId);
  const text = lineIndex.lineText(line);
  const end = text.trimEnd().length;
  return {
    range: { start: { line, character: end }, end: { line, character: text.length } },
    newText: `  # vigil: ignore[${finding.ruleId}]`,
  };
}

/** Adds the ID to the file's `# vigil: ignore-file[...]`, or writes one after any shebang and coding lines. */
export function suppressFileEdit(document: OpenDocument, ruleId: string): TextEdit {
  const { syntax, lineIndex } = document.source;
  const existing = syntax.comments.find((comment) => VIGIL_IGNORE_FILE.test(comment.text));
  if (existing) return extendList(document, existing.start, existing.text, VIGIL_IGNORE_FILE, ruleId);
  let line = 0;
  while (line < 2 && line < lineIndex.lineCount && /^(#!|#.*coding[:=])/.test(lineIndex.lineText(line))) line++;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `# vigil: ignore-file[${ruleId}]\n` };
}

function extendList(document: OpenDocument, commentStart: number, commentText: string, pattern: RegExp, ruleId: string): TextEdit {
  const match = pattern.exec(commentText)!;
  const listStart = commentStart + match.index + match[0].indexOf('[') + 1;
  const listEnd = listStart + match[1]!.length;
  const ids = match[1]!.split(',').map((id) => id.trim()).filter(Boolean);
  const { lineIndex } = document.source;
  return {
    range: lineIndex.rangeOf(listStart, listEnd),
    newText: [...ids.filter((id) => id !== ruleId), ruleId].join(', '),
  };
}
