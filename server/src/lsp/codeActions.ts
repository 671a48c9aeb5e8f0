import {
  CodeActionKind,
  type CodeAction,
  type CodeActionContext,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver';
import { suppressionLine, type Finding } from '../engine';
import { DISABLE_RULE_COMMAND, SHOW_RULE_DOCUMENTATION_COMMAND } from '../protocol';
import type { OpenDocument } from './documents';
import { ruleDocsUri } from './diagnostics';

/** `source.fixAll.vigil`: every safe fix at once (on save, or from the Source Action menu). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.vigil`;

/**
 * Code actions for Vigil's diagnostics, grouped per finding: the rule's fix when it has one (preferred when
 * safe), "Suppress <ID> on this line", "Suppress <ID> in this file", "Disable <ID> in settings", and the rule's
 * documentation. Edits name the document version, so a client applies them only to the text they were made for.
 */
export function codeActionsFor(
  document: OpenDocument,
  findings: readonly Finding[],
  context: CodeActionContext,
  docsBase: string,
): CodeAction[] {
  if (context.only?.some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`))) {
    const fixAll = fixAllAction(document, findings);
    return fixAll ? [fixAll] : [];
  }
  const actions: CodeAction[] = [];
  const perRule: CodeAction[] = [];
  const seen = new Set<string>();
  for (const diagnostic of context.diagnostics) {
    if (diagnostic.source !== 'vigil') continue;
    const finding = findings.find(
      (candidate) => candidate.ruleId === diagnostic.code && sameRange(candidate.range, diagnostic.range),
    );
    if (!finding) continue;
    const { ruleId } = finding;
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
    const once = (key: string, make: () => CodeAction): void => {
      if (seen.has(key)) return;
      seen.add(key);
      perRule.push(make());
    };
    once(`line:${ruleId}:${lineEdit.range.start.line}`, () => ({
      title: `Suppress ${ruleId} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: versionedEdit(document, [lineEdit]),
    }));
    once(`file:${ruleId}`, () => ({
      title: `Suppress ${ruleId} in this file`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: versionedEdit(document, [suppressFileEdit(document, ruleId)]),
    }));
    once(`settings:${ruleId}`, () => ({
      title: `Disable ${ruleId} in settings`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Disable ${ruleId} in settings`, command: DISABLE_RULE_COMMAND, arguments: [ruleId] },
    }));
    const docs = ruleDocsUri(ruleId, docsBase);
    if (docs) {
      once(`docs:${ruleId}`, () => ({
        title: `Show documentation for ${ruleId}`,
        kind: CodeActionKind.QuickFix,
        command: { title: `Show documentation for ${ruleId}`, command: SHOW_RULE_DOCUMENTATION_COMMAND, arguments: [ruleId] },
      }));
    }
  }
  return [...actions, ...perRule];
}

/** All safe fixes of the document that do not overlap; identical edits (the same import) are made once. */
function fixAllAction(document: OpenDocument, findings: readonly Finding[]): CodeAction | undefined {
  const { lineIndex } = document.source;
  const accepted: Array<{ start: number; end: number; newText: string }> = [];
  const overlaps = (start: number, end: number, newText: string): 'same' | 'overlap' | 'free' => {
    for (const edit of accepted) {
      if (edit.start === start && edit.end === end && edit.newText === newText) return 'same';
      if (start < edit.end && edit.start < end) return 'overlap';
      if (start === end && edit.start === edit.end && start === edit.start) return 'overlap';
    }
    return 'free';
  };
  for (const finding of findings) {
    const fix = finding.fixes.find((candidate) => candidate.safety === 'safe');
    if (!fix) continue;
    const spans = fix.edits.map((edit) => ({
      start: lineIndex.offsetAt(edit.range.start),
      end: lineIndex.offsetAt(edit.range.end),
      newText: edit.newText,
    }));
    const states = spans.map((span) => overlaps(span.start, span.end, span.newText));
    if (states.includes('overlap')) continue;
    spans.forEach((span, index) => {
      if (states[index] === 'free') accepted.push(span);
    });
  }
  if (accepted.length === 0) return undefined;
  return {
    title: 'Fix all safely fixable Vigil findings',
    kind: FIX_ALL_KIND,
    edit: versionedEdit(
      document,
      accepted.map((span) => ({ range: lineIndex.rangeOf(span.start, span.end), newText: span.newText })),
    ),
  };
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
  return {
    range: document.source.lineIndex.rangeOf(listStart, listEnd),
    newText: [...ids.filter((id) => id !== ruleId), ruleId].join(', '),
  };
}
