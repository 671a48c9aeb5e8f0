// The editor shows finding messages, which quote the user's code, in two places: the hover (Markdown) and the
// diagnostic (plain text in the Problems panel). Code there is text: in the hover no HTML, link or emphasis from
// the code comes alive and long lists are bounded; in a diagnostic no control or bidi character or line break
// from the code survives. The Markdown checks use markdown-it configured like VS Code's preview (HTML and linkify
// on), which is stricter than the hover's renderer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeText, type Finding } from '../server/src/engine';
import { HOVER_LIMITS, hoverFor } from '../server/src/lsp/hover';
import { toDiagnostic } from '../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../server/src/protocol';
import { loadParser } from './support/engine';
import { allTokens, markdownIt, NO_MARKDOWN_IT, type Token } from './support/markdown';

const DOCS = 'file:///ext/docs/rules/';
const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202e';
const LRI = '\u2066';
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const at = (line: number, character = 0) => ({ start: { line, character }, end: { line, character: character + 4 } });

function finding(overrides: Partial<Finding>): Finding {
  return {
    ruleId: 'VG202',
    ruleName: 'yaml-unsafe-load',
    message: '`yaml.load()` without a safe `Loader` can construct arbitrary Python objects from the document',
    severity: 'medium',
    confidence: 'high',
    cwe: [502, 20],
    range: at(1),
    related: [],
    flow: [],
    fixes: [],
    bandit: ['B506'],
    ruff: ['S506'],
    ...overrides,
  };
}

/** A finding whose every message quotes hostile code, with a path and related list longer than the hover shows. */
const HOSTILE = finding({
  message: `\`yaml.load()\` with \`(yaml.Loader\n# <script>alert(1)</script> [x](https://evil.example) ${ESC}[2J${RLO}\n)\` <img src=x onerror=alert(2)> **bold** evil.example`,
  flow: Array.from({ length: 25 }, (_, index) => ({
    range: at(index + 2),
    message: `step <script>alert(${index})</script> [s](command:vigil.restartServer) \`x${BEL}\``,
  })),
  related: Array.from({ length: 30 }, (_, index) => ({ range: at(index + 2), message: `see https://evil.example/${index} <b>here</b>` })),
  fixes: [{ title: 'Use `Loader=<img src=x onerror=alert(3)>` [fix](https://evil.example)', safety: 'safe', edits: [] }],
});

function hoverText(findings: readonly Finding[], line: number, character: number): string {
  const hover = hoverFor(findings, { line, character }, DOCS);
  assert.ok(hover, `a hover at ${line}:${character}`);
  return (hover.contents as { value: string }).value;
}

/** The Markdown has no raw HTML and no links but the CWE pages and the rule's page, and renders no live tag. */
function assertInert(markdown: string): Token[] {
  const tokens = allTokens(markdownIt!.parse(markdown, {}));
  assert.deepEqual(tokens.filter((token) => token.type.startsWith('html')).map((token) => token.content), [], 'no raw HTML');
  for (const link of tokens.filter((token) => token.type === 'link_open')) {
    const href = link.attrs?.find(([name]) => name === 'href')?.[1] ?? '';
    assert.match(href, /^(https:\/\/cwe\.mitre\.org\/data\/definitions\/\d+\.html|file:\/\/\/ext\/docs\/rules\/VG\d+-[a-z-]+\.md)$/, `unexpected link ${href}`);
  }
  assert.equal(tokens.filter((token) => token.type === 'image').length, 0, 'no image');
  const html = markdownIt!.render(markdown);
  assert.doesNotMatch(html, /<img|<script|<b>/i, 'no live tag');
  assert.doesNotMatch(html, /evil\.example"/, 'no link to the code’s URL');
  return tokens;
}

describe('hover escaping', () => {
  test('HTML and links in a comment inside a `Loader=` argument stay code text in the hover', { skip: NO_MARKDOWN_IT }, async () => {
    const text = [
      'import yaml',
      'def load(s):',
      '    more = yaml.load(s, Loader=(yaml.Loader',
      '# <script>alert(2)</script> [x](https://evil.example) [y](command:vigil.restartServer)',
      '    ))',
      '    return more',
      '',
    ].join('\n');
    const result = analyzeText(await loadParser(), text);
    const [loader] = result.findings;
    assert.ok(loader && loader.message.includes('<script>'), JSON.stringify(result.findings.map((f) => f.message)));
    const markdown = hoverText(result.findings, loader.range.start.line, loader.range.start.character);
    const tokens = assertInert(markdown);
    const code = tokens.filter((token) => token.type === 'code_inline').map((token) => token.content);
    assert.ok(
      code.includes('(yaml.Loader # <script>alert(2)</script> [x](https://evil.example) [y](command:vigil.restartServer) )'),
      JSON.stringify(code),
    );
    assert.match(markdown, /Use `yaml\.safe_load` \(quick fix available\)/, 'the fix title keeps its code span');
  });

  test('messages, path steps, related locations and fix titles are quoted; lists are capped', { skip: NO_MARKDOWN_IT }, () => {
    const markdown = hoverText([HOSTILE], 1, 1);
    assert.doesNotMatch(markdown, RAW_CONTROLS, 'no raw control or bidi character');
    assert.ok(markdown.includes('\\x1b[2J\\u202e'), 'controls written as escapes');
    const tokens = assertInert(markdown);
    const html = markdownIt!.render(markdown);
    assert.doesNotMatch(html, /<strong>bold/, 'no emphasis from the code');
    assert.ok(tokens.some((token) => token.type === 'code_inline' && token.content === 'Loader=<img src=x onerror=alert(3)>'), 'fix title code is code');
    const steps = markdown.split('\n').filter((line) => /^\d+\. line \d+: step /.test(line));
    assert.equal(steps.length, HOVER_LIMITS.listItems);
    assert.ok(markdown.includes('- … and 5 more steps'), markdown);
    const related = markdown.split('\n').filter((line) => /^- line \d+: see /.test(line));
    assert.equal(related.length, HOVER_LIMITS.listItems);
    assert.ok(markdown.includes('- … and 10 more related locations'), markdown);
  });

  test('a long message is cut', () => {
    const markdown = hoverText([finding({ message: `\`${'a'.repeat(100_000)}\` is long` })], 1, 1);
    assert.ok(markdown.length < 10_000, `a hover of ${markdown.length} characters`);
    assert.ok(markdown.includes('…'));
  });
});

describe('diagnostic escaping', () => {
  test('messages carry no control or bidi character and no line break from the code', () => {
    const diagnostic = toDiagnostic(
      finding({
        message: `\`x = "${ESC}[2J${BEL}${RLO}exe.txt${LRI}\u2028"\` quoted\n    over\r\nlines\rand more`,
        flow: [{ range: at(2), message: `request data\n  in \`q${ESC}\`` }],
        related: [{ range: at(3), message: `see\r\n\`${RLO}\`` }],
      }),
      'file:///work/app.py',
      1,
      DEFAULT_SETTINGS,
      DOCS,
    );
    assert.equal(diagnostic.message, '`x = "\\x1b[2J\\x07\\u202eexe.txt\\u2066\\u2028"` quoted over lines and more (CWE-502, CWE-20)');
    assert.deepEqual(
      diagnostic.relatedInformation?.map((info) => info.message),
      ['1. request data in `q\\x1b`', 'see `\\u202e`'],
    );
  });

  test('an ordinary message is unchanged', () => {
    const plain = finding({});
    const diagnostic = toDiagnostic(plain, 'file:///work/app.py', undefined, DEFAULT_SETTINGS, DOCS);
    assert.equal(diagnostic.message, `${plain.message} (CWE-502, CWE-20)`);
  });
});
