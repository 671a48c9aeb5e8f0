import type { Confidence, Severity } from '../../findings';
import { ELLIPSIS, escapeControlChars } from '../../report/escape';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { lineEndAt, lineStartAt } from '../../syntax/lineIndex';
import { stringPrefix } from '../../syntax/python';
import { defineRule, type FixSpec } from '../rule';

/**
 * The invisible characters that change the order in which text is displayed. `reorders`: an embedding, override or
 * isolate, which can move any text, identifiers included, until its closing character or the end of the line; a mark
 * only changes how the neutral characters next to it (spaces, punctuation, digits) are placed.
 */
interface BidiChar {
  readonly name: string;
  readonly reorders: boolean;
}

const BIDI: ReadonlyMap<string, BidiChar> = new Map([
  ['\u202a', { name: 'LEFT-TO-RIGHT EMBEDDING', reorders: true }],
  ['\u202b', { name: 'RIGHT-TO-LEFT EMBEDDING', reorders: true }],
  ['\u202c', { name: 'POP DIRECTIONAL FORMATTING', reorders: true }],
  ['\u202d', { name: 'LEFT-TO-RIGHT OVERRIDE', reorders: true }],
  ['\u202e', { name: 'RIGHT-TO-LEFT OVERRIDE', reorders: true }],
  ['\u2066', { name: 'LEFT-TO-RIGHT ISOLATE', reorders: true }],
  ['\u2067', { name: 'RIGHT-TO-LEFT ISOLATE', reorders: true }],
  ['\u2068', { name: 'FIRST STRONG ISOLATE', reorders: true }],
  ['\u2069', { name: 'POP DIRECTIONAL ISOLATE', reorders: true }],
  ['\u200e', { name: 'LEFT-TO-RIGHT MARK', reorders: false }],
  ['\u200f', { name: 'RIGHT-TO-LEFT MARK', reorders: false }],
  ['\u061c', { name: 'ARABIC LETTER MARK', reorders: false }],
]);

const BIDI_PATTERN = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, Samaritan…): text where marks are typography. */
const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|\ud802[\udc00-\udfff]|\ud803[\udc00-\udfff]|\ud83a[\udc00-\udfff]/;

/** Where in the code a character is: what a reviewer is shown, and what removing or escaping it would change. */
type Place =
  | { readonly kind: 'comment'; readonly node: SyntaxNode }
  /** `escapable`: a plain or f-string's literal text, where `\uXXXX` means the same character. */
  | { readonly kind: 'string'; readonly node: SyntaxNode; readonly escapable: boolean }
  | { readonly kind: 'code'; readonly node: SyntaxNode };

/** The smallest node of `root` that holds the character at `offset`. */
function deepestAt(root: SyntaxNode, offset: number): SyntaxNode {
  let node = root;
  for (;;) {
    const child = node.children.find((candidate) => candidate.start <= offset && offset < candidate.end);
    if (!child) return node;
    node = child;
  }
}

function placeOf(root: SyntaxNode, offset: number): Place {
  const deepest = deepestAt(root, offset);
  if (deepest.type === 'comment') return { kind: 'comment', node: deepest };
  for (let node: SyntaxNode | null = deepest; node; node = node.parent) {
    if (node.type === 'string') {
      const prefix = stringPrefix(node);
      const escapable = deepest.type === 'string_content' && deepest.parent === node && !prefix.includes('r') && !prefix.includes('b');
      return { kind: 'string', node, escapable };
    }
    if (node === root) break;
  }
  return { kind: 'code', node: deepest };
}

/** The text of `node` on the character's line, at most 30 characters either side of it, with the controls escaped. */
function excerpt(node: SyntaxNode, offset: number): string {
  const source = node.source;
  // The line ends wherever Python's do (a lone `\r` too); searched no further than the excerpt reaches.
  const start = lineStartAt(source, offset, Math.max(node.start, offset - 30));
  const end = lineEndAt(source, offset, Math.min(node.end, offset + 31));
  const before = start > node.start ? ELLIPSIS : '';
  const after = end < node.end ? ELLIPSIS : '';
  return before + escapeControlChars(source.slice(start, end), { newlines: true }) + after;
}

function codePoint(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export default defineRule({
  meta: {
    id: 'VG611',
    name: 'bidi-control-character',
    title: 'Invisible bidirectional control character in source (Trojan Source)',
    cwe: [838],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B613'],
    ruff: [],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags the invisible Unicode characters that change the display order of text — the embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, and the marks U+200E (LRM), U+200F (RLM) and U+061C (ALM) — anywhere in a Python file: in comments, strings, docstrings, and stray in code. Each occurrence is reported where it is, with the character written as a visible escape (`\\u202e`) in the message.',
      whyIsThisBad:
        'These characters are not shown, but they reorder what an editor, a terminal or a code review page displays around them. Placed in a comment or a string, they make code look different from what Python runs: a check that seems to be inside a comment is live code, a string that seems to end is still open, a condition reads the other way round (Trojan Source, CVE-2021-42574). A reviewer approves what they see, so such a change passes review. Python reads the characters as they are stored; only the display lies.',
      example:
        '# Written here with escapes: the file itself holds the invisible characters. Displayed, the condition seems to\n' +
        '# end with `and access_level != "user"`; Python compares with a string that contains the characters (never\n' +
        '# equal, so everyone is an admin), and the rest of the line is a comment.\n' +
        'def is_admin(access_level):\n' +
        '    if access_level != "none\\u202e\\u2066":  # Check if admin\\u2069\\u2066" and access_level != "user\n' +
        '        return True\n' +
        '    return False',
      useInstead:
        'def is_admin(access_level):\n' +
        '    return access_level not in ("none", "user")  # check if admin\n' +
        '\n' +
        '\n' +
        '# Right-to-left text in a string, with the control characters as escapes that everyone can see:\n' +
        'GREETING = "\\u2067שלום\\u2069, {name}"',
      references: [
        'https://cwe.mitre.org/data/definitions/838.html',
        'https://trojansource.codes/',
        'https://nvd.nist.gov/vuln/detail/CVE-2021-42574',
        'https://peps.python.org/pep-0672/#bidirectional-marks-embeddings-overrides-and-isolates',
        'https://bandit.readthedocs.io/en/latest/plugins/b613_trojansource.html',
        'https://docs.astral.sh/ruff/rules/bidirectional-unicode/',
      ],
      knownProblems:
        'Embeddings, overrides and isolates are reported at `high` severity wherever they are: there is no need for one to be unescaped in source code. The marks (LRM, RLM, ALM) only move the spaces, punctuation and digits next to them: they are `medium`, and `low` with `medium` confidence in a comment or string that also holds right-to-left letters (Hebrew, Arabic…), where they are usually typography. Right-to-left text without control characters is never reported. Bandit reports the same characters except LRM and ALM (Ruff\'s PLE2502 adds ALM in preview); Ruff has no `S` code for this check. A character outside a comment or string is a syntax error in Python; it is still reported, without a fix.',
      fixSafety:
        'In a comment the fix removes the character: the program does not change (text around it may display differently if it was right-to-left typography). In a string or docstring that is not raw or bytes, the fix writes the character as its escape (`\\u202e`): the string\'s value is the same, and the character becomes visible. In raw strings, byte strings and f-string format specifications there is no fix: an escape would change the value there; rewrite the string by hand (`"\\u202e"` in a non-raw string).',
    },
  },
  create(context) {
    const { unit, source } = context;
    return {
      'unit:exit'() {
        // The unit's own text, without the header of a definition (the enclosing unit reads it): every character
        // of the file is read by exactly one unit.
        const body = unit.kind === 'module' ? null : unit.node.child('body');
        if (unit.kind !== 'module' && !body) return;
        const from = body ? body.start : 0;
        const ranges = unit.segments.map((segment) => ({ start: Math.max(segment.start, from), end: segment.end }));
        if (unit.kind === 'module') ranges.push({ start: unit.node.end, end: source.length });
        for (const range of ranges) {
          if (range.end <= range.start) continue;
          const text = source.slice(range.start, range.end);
          BIDI_PATTERN.lastIndex = 0;
          for (let match = BIDI_PATTERN.exec(text); match; match = BIDI_PATTERN.exec(text)) {
            const offset = range.start + match.index;
            report(offset, match[0]);
          }
        }
      },
    };

    function report(offset: number, char: string): void {
      const bidi = BIDI.get(char)!;
      const place = placeOf(unit.node, offset);
      const escape = escapeControlChars(char);
      const shown = excerpt(place.node, offset);
      let severity: Severity = 'high';
      let confidence: Confidence = 'high';
      if (!bidi.reorders) {
        severity = 'medium';
        if (place.kind !== 'code' && RTL_LETTER.test(place.node.text)) {
          severity = 'low';
          confidence = 'medium';
        }
      }
      const what = `Invisible ${bidi.name} (${codePoint(char)}, \`${escape}\`)`;
      const effect = bidi.reorders
        ? 'it reorders how the rest of the line is displayed, so what a reviewer reads is not what Python runs (Trojan Source)'
        : 'it moves the spaces, punctuation and digits next to it when the line is displayed';
      let where: string;
      let fix: FixSpec | undefined;
      const span = { start: offset, end: offset + 1 };
      switch (place.kind) {
        case 'comment':
          where = `in the comment \`${shown}\``;
          fix = { title: `Remove the invisible ${codePoint(char)} from the comment`, safety: 'safe', edits: [{ ...span, newText: '' }] };
          break;
        case 'string':
          where = `in the string \`${shown}\``;
          if (place.escapable) {
            fix = { title: `Write ${codePoint(char)} as the escape \`${escape}\``, safety: 'safe', edits: [{ ...span, newText: escape }] };
          }
          break;
        default:
          where = 'outside any comment or string (Python refuses it there)';
      }
      const advice =
        place.kind !== 'string'
          ? 'remove it'
          : place.escapable
            ? `write it as \`${escape}\` if it is meant to be there`
            : `if it is meant to be there, write it as \`${escape}\` in a string that is not raw or bytes`;
      context.report({
        at: span,
        message: `${what} ${where}: ${effect}; ${advice}`,
        severity,
        confidence,
        ...(fix ? { fix } : {}),
      });
    }
  },
});
