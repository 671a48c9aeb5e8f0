/**
 * Quoting text that comes from analysed code (file names, finding messages, snippets) in the reports, so that it
 * is shown, never interpreted: control and bidi characters become visible escapes, long text is cut with an
 * ellipsis, and Markdown gets no live HTML, links, emphasis or early-closing code fences from it.
 *
 * Finding messages are a small Markdown dialect: prose with code quoted in single backticks
 * ("`yaml.load()` without a safe `Loader`"). The prose is ours, the quoted code is the user's.
 */

/**
 * Characters shown as escapes wherever code text is printed: C0 controls except tab and line feed (ESC and BEL drive
 * terminals; CR rewinds the line), DEL, C1 controls, the invisible bidi marks and overrides (Trojan Source: the
 * Unicode embeddings, overrides and isolates U+202A–202E, U+2066–2069, and LRM, RLM, ALM), the Unicode line and
 * paragraph separators, and unpaired surrogates (which no UTF-8 output can carry).
 */
const CONTROL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const CONTROL_OR_NEWLINE = new RegExp(`${CONTROL.source}|\\n`, 'g');

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control, bidi-override and separator character written as `\x1b`, `\u202e`…; with
 * `newlines: true`, line feeds too (for text that must stay on one line, such as a path).
 */
export function escapeControlChars(text: string, options: { newlines?: boolean } = {}): string {
  return text.replace(options.newlines ? CONTROL_OR_NEWLINE : CONTROL, escapeChar);
}

/** Line breaks, with the indentation around them, collapsed to one space, as code is quoted in a message. */
export function oneLine(text: string): string {
  return text.replace(/[ \t]*(?:\r\n|\r|\n)\s*/g, ' ');
}

/** The ellipsis that marks text cut by a report. */
export const ELLIPSIS = '…';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The first `max` UTF-16 units of `text`, never half a surrogate pair, with an ellipsis when something was cut. */
export function capWidth(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end) + ELLIPSIS;
}

/** A window of at most `width` units of one line: where it starts and ends, and whether anything was cut. */
export interface LineWindow {
  readonly start: number;
  readonly end: number;
  readonly cutBefore: boolean;
  readonly cutAfter: boolean;
}

/**
 * Which part of a line of `length` units to show so that column `focus` is visible with `context` units before it:
 * the whole line when it fits in `width`, else `width` units (adjusted so no surrogate pair is split in `text`).
 */
export function lineWindow(text: string, lineStart: number, length: number, focus: number, width: number, context: number): LineWindow {
  if (length <= width) return { start: 0, end: length, cutBefore: false, cutAfter: false };
  let start = Math.max(0, Math.min(focus - context, length - width));
  let end = Math.min(length, start + width);
  if (start > 0 && isLowSurrogate(text.charCodeAt(lineStart + start))) start++;
  if (end < length && isHighSurrogate(text.charCodeAt(lineStart + end - 1))) end--;
  return { start, end, cutBefore: start > 0, cutAfter: end < length };
}

/** One line of plain-text output: line breaks collapsed, controls escaped, at most `max` units of text kept. */
export function plainLine(text: string, max: number): string {
  return escapeControlChars(capWidth(oneLine(text), max), { newlines: true });
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown (CommonMark, as markdown-it renders it in VS Code's preview, with raw HTML and linkify on).

/** Punctuation CommonMark could read as syntax inside a paragraph: emphasis, links, code, tables, strikethrough, math. */
const MARKDOWN_INLINE = /[\\`*_[\]|~${}]/g;

/**
 * Prose (not code) for a Markdown paragraph, list item or heading: shown literally. `&`, `<` and `>` become
 * entities, so no HTML tag, entity or autolink can form; Markdown punctuation is backslash-escaped; a block marker
 * at the start (`#`, `-`, `1.`) is escaped; and the dots, colons and at-signs that let linkify turn `evil.example`,
 * `https://…` or `a@b.example` into a link are escaped.
 */
export function markdownText(text: string): string {
  return escapeControlChars(oneLine(text), { newlines: true })
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_INLINE, '\\$&')
    .replace(/(?<=[\p{L}\p{N}_-])\.(?=\p{L})/gu, '\\.')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(?<=[\p{L}\p{N}_.+-])@/gu, '\\@')
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])/, '$1\\$2');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}

/**
 * An inline code span showing `code` literally, on one line: delimited by a backtick run longer than any inside,
 * padded with a space when the code starts or ends with a backtick or a space (CommonMark strips one space on each
 * side), controls escaped.
 */
export function markdownCode(code: string): string {
  const text = escapeControlChars(oneLine(code), { newlines: true });
  if (text.length === 0) return '` `';
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = /^[` ]|[` ]$/.test(text) && !/^ +$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A fenced code block showing `code` literally: the fence is a backtick run longer than any run of backticks in the
 * code (at least three), so no line of the code can close it; controls are escaped line by line.
 */
export function markdownFence(code: string, info = ''): string {
  const text = code
    .split(/\r\n|\r|\n/)
    .map((line) => escapeControlChars(line))
    .join('\n');
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

/** A piece of a finding message: prose, or code quoted in backticks. */
export interface MessagePart {
  readonly code: boolean;
  readonly text: string;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * Splits a finding message into prose and quoted code. A quote opens at a backtick that does not follow a word
 * character or a backtick, and closes at a backtick followed by neither: the first such one with an even number of
 * backticks between (so code that itself quotes `` `id` `` stays whole), else the first. A backtick that opens
 * nothing is prose. Messages do not mark where quoted code ends, so this is a guess when the code holds backticks;
 * whatever the split, each part is then quoted safely, only how the message looks depends on it.
 */
export function splitMessage(message: string): MessagePart[] {
  const n = message.length;
  // before[k]: backticks in message[0, k). closing[p][k]: the first closing candidate j >= k with before[j] % 2 === p.
  const before = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) before[k + 1] = before[k]! + (message[k] === '`' ? 1 : 0);
  const closing = [new Int32Array(n + 1).fill(-1), new Int32Array(n + 1).fill(-1)] as const;
  for (let j = n - 1; j >= 0; j--) {
    closing[0][j] = closing[0][j + 1]!;
    closing[1][j] = closing[1][j + 1]!;
    const next = message[j + 1] ?? '';
    if (message[j] === '`' && next !== '`' && !WORD.test(next)) closing[before[j]! % 2]![j] = j;
  }
  const parts: MessagePart[] = [];
  let prose = '';
  let i = 0;
  while (i < n) {
    const char = message[i]!;
    const previous = i > 0 ? message[i - 1]! : '';
    if (char === '`' && !WORD.test(previous) && previous !== '`') {
      const even = closing[before[i + 1]! % 2]![i + 1]!;
      const odd = closing[1 - (before[i + 1]! % 2)]![i + 1]!;
      const close = even >= 0 ? even : odd;
      if (close > i + 1) {
        if (prose) parts.push({ code: false, text: prose });
        prose = '';
        parts.push({ code: true, text: message.slice(i + 1, close) });
        i = close + 1;
        continue;
      }
    }
    prose += char;
    i++;
  }
  if (prose) parts.push({ code: false, text: prose });
  return parts;
}

/**
 * A finding message as one line of Markdown: prose escaped, quoted code in safe code spans, and at most `max`
 * units of the message's text shown (the rest cut with an ellipsis).
 */
export function markdownMessage(message: string, max: number): string {
  // Split only what can be shown (plus a little, so the last quote shown can still find its closing backtick).
  let end = Math.min(message.length, 2 * max);
  if (end < message.length && isHighSurrogate(message.charCodeAt(end - 1))) end--;
  const shown = message.slice(0, end);
  let budget = max;
  let cut = shown.length < message.length;
  const out: string[] = [];
  for (const part of splitMessage(oneLine(shown))) {
    if (budget <= 0) {
      cut = true;
      break;
    }
    const text = part.text.length > budget ? capWidth(part.text, budget) : part.text;
    if (text !== part.text) cut = false; // capWidth marked the cut itself
    budget -= part.text.length;
    out.push(part.code ? markdownCode(text) : markdownText(text));
    if (text !== part.text) break;
  }
  if (cut) out.push(ELLIPSIS);
  return out.join('');
}

const SAFE_SCHEMES = new Set(['http', 'https', 'file']);

/**
 * A link destination that stays one destination: characters CommonMark would end it at, or read as syntax, are
 * percent-encoded (parentheses, brackets, spaces, `<`, `>`, quotes, controls). Returns null for a link with any
 * scheme but http, https and file, so a report never carries `command:`, `vscode:` or `javascript:` links.
 */
export function markdownLinkDestination(url: string): string | null {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined && !SAFE_SCHEMES.has(scheme)) return null;
  return url.replace(/[^A-Za-z0-9\-._~:/?#@!$&'*+,;=%]/gu, (char) =>
    [...new TextEncoder().encode(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
