// The reports quote code: the Review File Markdown report (engine/report/review.ts) and the text output
// (engine/report/formats.ts). Whatever the analysed file holds (a megabyte line with thousands of findings, HTML,
// Markdown links, code fences, backticks, terminal escapes, bidi overrides), the reports stay bounded and show the
// code as text. The Markdown checks parse the report with markdown-it configured like VS Code's Markdown preview
// (raw HTML and linkify on), when markdown-it is installed (it comes with @vscode/vsce).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeText, LineIndex, type Finding } from '../server/src/engine';
import {
  capWidth,
  escapeControlChars,
  markdownCode,
  markdownFence,
  markdownLinkDestination,
  markdownMessage,
  markdownText,
  splitMessage,
} from '../server/src/engine/report/escape';
import { formatText, TEXT_MESSAGE_CHARS } from '../server/src/engine/report/formats';
import { renderReview, REVIEW_LIMITS, type ReviewInput } from '../server/src/engine/report/review';
import { loadParser } from './support/engine';
import { allTokens, markdownIt, NO_MARKDOWN_IT } from './support/markdown';

/** The rendered HTML without the contents of code spans and code blocks: what the preview shows as live markup. */
function outsideCode(html: string): string {
  return html.replace(/<pre[\s>][\s\S]*?<\/pre>/g, '<pre></pre>').replace(/<code[\s>][\s\S]*?<\/code>/g, '<code></code>');
}

const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202e';
const LRI = '\u2066';
const C1 = '\u009b';
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function finding(overrides: Partial<Finding> & { line: number; character?: number; endLine?: number }): Finding {
  const { line, character = 0, endLine = line, ...rest } = overrides;
  return {
    ruleId: 'VG202',
    ruleName: 'yaml-unsafe-load',
    message: '`yaml.load()` without a safe `Loader` can construct arbitrary Python objects from the document',
    severity: 'medium',
    confidence: 'high',
    cwe: [502, 20],
    range: { start: { line, character }, end: { line: endLine, character: character + 4 } },
    related: [],
    flow: [],
    fixes: [],
    bandit: ['B506'],
    ruff: ['S506'],
    ...rest,
  };
}

function review(text: string, findings: Finding[], displayPath = 'app.py', lineLink?: (line: number) => string): string {
  const input: ReviewInput = { displayPath, text, lineIndex: new LineIndex(text), findings, hasSyntaxErrors: false };
  return renderReview(lineLink ? { ...input, lineLink } : input);
}

/** A file whose every line is hostile, and findings whose messages quote it. */
const HOSTILE_LINES = [
  'import yaml',
  'data = yaml.load(s, Loader=(yaml.Loader  # <img src=x onerror=alert(1)> [x](command:vigil.restartServer)',
  '))',
  'doc = yaml.load(s)  # <script>alert(1)</script> ``` ~~~',
  '```',
  `banner = yaml.load("${ESC}[2J${ESC}]8;;https://evil.example${BEL}click${BEL}${RLO}gnp.exe${C1}${LRI}")`,
  '',
];
const HOSTILE_TEXT = HOSTILE_LINES.join('\n');
const HOSTILE_PATH = 'we`ird <img src=x onerror=alert(1)> [a](command:vigil.restartServer) ```.py';
const HOSTILE_FINDINGS: Finding[] = [
  finding({
    line: 1,
    character: 7,
    endLine: 2,
    message: '`yaml.load()` with `(yaml.Loader  # <img src=x onerror=alert(1)> [x](command:vigil.restartServer)\n)` can construct arbitrary Python objects',
    flow: [
      { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, message: 'request data <script>alert(2)</script> [y](command:workbench.action.terminal.new)' },
      { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 4 } }, message: 'stored in `x`` `\n# <b>heading</b>\n<script>alert(3)</script>' },
    ],
    related: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 1 } }, message: 'see https://evil.example/x and www.evil.example and evil.example and mail@evil.example' }],
    fixes: [{ title: 'Use `Loader=<img src=x onerror=alert(4)>`', safety: 'safe', edits: [] }],
  }),
  finding({ line: 3, character: 6, endLine: 4, message: '<script>alert(5)</script> `subprocess.call()` runs `echo `id` <img src=x onerror=alert(6)>` through a shell; `doc = "```<script>alert(9)</script>"` &lt;img src=x onerror=alert(7)&gt; **bold** _em_ ![i](https://evil.example/i.png)' }),
  finding({ line: 5, character: 9, message: `\`yaml.load("${ESC}[2J${BEL}${RLO}gnp.exe${C1}${LRI}")\` and prose with ${ESC}[31m${RLO} in it` }),
  finding({ line: 5, character: 0, severity: 'info', ruleId: 'VG501', ruleName: 'elevated-context-lookup', message: 'unbalanced ` backtick <img src=x onerror=alert(8)>' }),
];

describe('report escaping helpers', () => {
  test('inline code spans: a backtick run longer than any inside, padded when the code starts or ends with one', () => {
    assert.equal(markdownCode('yaml.load()'), '`yaml.load()`');
    assert.equal(markdownCode('echo `id`'), '`` echo `id` ``');
    assert.equal(markdownCode('`x`'), '`` `x` ``');
    assert.equal(markdownCode('a ``` b'), '````a ``` b````');
    assert.equal(markdownCode(' x '), '`  x  `', 'CommonMark strips one space on each side');
    assert.equal(markdownCode('a\n  b'), '`a b`');
    assert.equal(markdownCode(''), '` `');
  });

  test('fenced code: the fence is longer than any backtick run in the code', () => {
    assert.equal(markdownFence('x = 1', 'python'), '```python\nx = 1\n```');
    assert.equal(markdownFence('```\n<script>', 'python'), '````python\n```\n<script>\n````');
    assert.equal(markdownFence('a ````` b'), '``````\na ````` b\n``````');
  });

  test('prose: HTML, Markdown syntax and linkify triggers are neutralised', () => {
    assert.equal(markdownText('a <b> & c'), 'a &lt;b&gt; &amp; c');
    assert.equal(markdownText('[x](command:y)'), '\\[x\\](command:y)');
    assert.equal(markdownText('see https://evil.example'), 'see https\\://evil\\.example');
    assert.equal(markdownText('mail@evil.example'), 'mail\\@evil\\.example');
    assert.equal(markdownText('# h'), '\\# h');
    assert.equal(markdownText('1. item'), '1\\. item');
    assert.equal(markdownText('*a* _b_ `c` ~d~ $e$ | \\'), '\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\$e\\$ \\| \\\\');
    assert.equal(markdownText('version 3.14, then. Done'), 'version 3.14, then. Done', 'ordinary prose stays readable');
  });

  test('messages: prose escaped, quoted code in code spans, code with backticks kept whole', () => {
    assert.deepEqual(splitMessage('`a` runs `echo `id` now` here'), [
      { code: true, text: 'a' },
      { code: false, text: ' runs ' },
      { code: true, text: 'echo `id` now' },
      { code: false, text: ' here' },
    ]);
    assert.equal(markdownMessage('`a<b>` is <b>', 100), '`a<b>` is &lt;b&gt;');
    assert.equal(markdownMessage('stray ` backtick', 100), 'stray \\` backtick');
    const long = markdownMessage(`\`${'x'.repeat(5000)}\` then prose`, 100);
    assert.ok(long.length < 120 && long.includes('…'), long);
  });

  test('link destinations: encoded to stay one destination; only http(s), file and relative links', () => {
    assert.equal(markdownLinkDestination('../a (b)/x.py#L3'), '../a%20%28b%29/x.py#L3');
    assert.equal(markdownLinkDestination('../pkg/loader.py#L5'), '../pkg/loader.py#L5');
    assert.equal(markdownLinkDestination('x<y>[z].py#L1'), 'x%3Cy%3E%5Bz%5D.py#L1');
    assert.equal(markdownLinkDestination('command:vigil.restartServer'), null);
    assert.equal(markdownLinkDestination('CoMmAnD:x'), null);
    assert.equal(markdownLinkDestination('javascript:alert(1)'), null);
    assert.equal(markdownLinkDestination('vscode://vscode.git/clone?url=x'), null);
  });

  test('control and bidi characters become visible escapes; width caps never split a surrogate pair', () => {
    assert.equal(escapeControlChars(`a${ESC}[1m${BEL}\r\t${RLO}${LRI}${C1}\u0085\u2028`), 'a\\x1b[1m\\x07\\r\t\\u202e\\u2066\\x9b\\x85\\u2028');
    assert.equal(escapeControlChars('a\nb'), 'a\nb');
    assert.equal(escapeControlChars('a\nb', { newlines: true }), 'a\\nb');
    assert.equal(capWidth('ab😀cd', 4), 'ab…');
    assert.equal(capWidth('abc', 4), 'abc');
  });
});

describe('Review File report', () => {
  test('a megabyte line with thousands of findings gives a bounded report that says what it left out', () => {
    // Findings made here rather than by the rules, so the test does not depend on what the rules find.
    const calls = 3000;
    const text = `import yaml\nx = [${'yaml.load(s), '.repeat(calls)}"${'a'.repeat(1_000_000)}"]\n`;
    const findings = Array.from({ length: calls }, (_, index) => finding({ line: 1, character: 5 + 14 * index }));
    const markdown = review(text, findings, 'big.py');
    assert.ok(markdown.length < 2_000_000, `report of ${markdown.length} characters`);
    const longest = Math.max(...markdown.split('\n').map((line) => line.length));
    assert.ok(longest <= 1000, `a report line of ${longest} characters`);
    assert.match(markdown, /^\*\*3000 security defects found \(3000 medium\)\.\*\*$/m, 'the verdict counts every finding');
    assert.equal(markdown.match(/^## \d+\. /gm)?.length, REVIEW_LIMITS.fullFindings);
    assert.match(markdown, /This report shows 100 findings of 3,000 in full\./);
    assert.match(markdown, /`vigil check --format json big\.py`/);
    assert.match(markdown, /and 1,900 more findings, not listed here/);
    const length = text.split('\n')[1]!.length.toLocaleString('en-US');
    assert.match(markdown, new RegExp(`\\*Shortened: line 2 has ${length} characters, of which columns 1–160 are shown`));
    // The 100th finding is far into the line: its snippet is a window around it, cut on both sides.
    const hundredth = markdown.slice(markdown.indexOf('## 100. '));
    assert.match(hundredth, /\n2 \| …(ml\.load\(s\), |yaml\.load\(s\), ).{100,}…\n/);
  });

  test('long messages, paths and data-flow paths are cut, and say so', () => {
    const step = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: `step \`${'y'.repeat(3000)}\`` };
    const markdown = review('x = 1\n', [finding({ line: 0, message: `\`${'x'.repeat(100_000)}\` is bad`, flow: Array.from({ length: 500 }, () => step) })], `${'d/'.repeat(2000)}app.py`);
    assert.ok(markdown.length < 60_000, `report of ${markdown.length} characters`);
    assert.match(markdown, /… and 480 more steps/);
    assert.ok(markdown.split('\n')[0]!.length < 600, 'the heading path is cut');
  });

  test('keeps the "line N" link format the editor and the end-to-end test follow', () => {
    const markdown = review('import yaml\nyaml.load(s)\n', [finding({ line: 1 })], 'pkg/loader.py', (line) => `../pkg/loader.py#L${line + 1}`);
    assert.ok(markdown.includes('- **Where:** [line 2](../pkg/loader.py#L2), column 1'), markdown);
    assert.equal(markdown.split('\n')[0], '# Security review: `pkg/loader.py`');
  });

  test('a line link with any other scheme is not a link', () => {
    const markdown = review('import yaml\nyaml.load(s)\n', [finding({ line: 1 })], 'x.py', () => 'command:workbench.action.terminal.new');
    assert.ok(!markdown.includes('command:'), markdown);
    assert.match(markdown, /- \*\*Where:\*\* line 2, column 1/);
  });

  test('hostile file names, code and messages: no raw control characters, fences that hold', () => {
    const markdown = review(HOSTILE_TEXT, HOSTILE_FINDINGS, HOSTILE_PATH, (line) => `../a (b)/we\`ird.py#L${line + 1}`);
    assert.doesNotMatch(markdown, RAW_CONTROLS, 'no raw control or bidi character');
    assert.ok(markdown.includes('\\x1b[2J'), 'ESC shown as \\x1b');
    assert.ok(markdown.includes('\\u202egnp.exe'), 'RLO shown as \\u202e');
    assert.ok(markdown.includes('````python\n4 | doc = yaml.load(s)  # <script>alert(1)</script> ``` ~~~\n5 | ```\n````'), markdown);
    assert.equal(markdown.split('\n')[0], '# Security review: ````we`ird <img src=x onerror=alert(1)> [a](command:vigil.restartServer) ```.py````');
  });

  test('rendered like VS Code\'s preview: no HTML, no links but line and CWE links, code shown as code', { skip: NO_MARKDOWN_IT }, () => {
    const markdown = review(HOSTILE_TEXT, HOSTILE_FINDINGS, HOSTILE_PATH, (line) => `../a (b)/x.py#L${line + 1}`);
    const tokens = allTokens(markdownIt!.parse(markdown, {}));
    assert.deepEqual(tokens.filter((token) => token.type.startsWith('html')).map((token) => token.content), [], 'no raw HTML');
    for (const link of tokens.filter((token) => token.type === 'link_open' || token.type === 'image')) {
      const href = link.attrs?.find(([name]) => name === 'href' || name === 'src')?.[1] ?? '';
      assert.match(href, /^(\.\.\/a%20%28b%29\/x\.py#L\d+|https:\/\/cwe\.mitre\.org\/data\/definitions\/\d+\.html)$/, `unexpected link ${href}`);
    }
    const html = markdownIt!.render(markdown);
    assert.doesNotMatch(html, /<img|<script|<b>/i, 'no live tag anywhere');
    assert.doesNotMatch(html, /<[^>]*command:/i, 'no command: link or attribute');
    assert.doesNotMatch(outsideCode(html), /<strong>bold|<em>em/i, 'no emphasis from the code');
    assert.ok(outsideCode(html).includes('[y](command:workbench.action.terminal.new)'), 'Markdown link syntax from the code shows as text');
    // The h1 names the file as one code span, whole.
    const heading = tokens[tokens.findIndex((token) => token.type === 'heading_open' && token.tag === 'h1') + 1]!;
    assert.deepEqual(
      heading.children!.map((child) => [child.type, child.content]),
      [['text', 'Security review: '], ['code_inline', HOSTILE_PATH]],
    );
    // Each snippet is one fence holding its lines whole, ``` included.
    const fences = tokens.filter((token) => token.type === 'fence');
    assert.ok(fences.some((fence) => fence.content === '4 | doc = yaml.load(s)  # <script>alert(1)</script> ``` ~~~\n5 | ```\n'), JSON.stringify(fences.map((fence) => fence.content)));
    assert.ok(fences.some((fence) => fence.content.includes('# <img src=x onerror=alert(1)> [x](command:vigil.restartServer)')));
    // The quoted code of the messages is code, whole.
    const code = tokens.filter((token) => token.type === 'code_inline').map((token) => token.content);
    assert.ok(code.includes('(yaml.Loader  # <img src=x onerror=alert(1)> [x](command:vigil.restartServer) )'), JSON.stringify(code));
    assert.ok(code.includes('echo `id` <img src=x onerror=alert(6)>'), JSON.stringify(code));
    // (Where quoted code holds a run of backticks, where it ends is a guess; it is still shown as text.)
    // Every "line N" is a link; the path of the data and the see-also lines keep theirs.
    const lineLinks = tokens.filter((token, index) => token.type === 'link_open' && tokens[index + 1]?.content.startsWith('line '));
    assert.equal(lineLinks.length, HOSTILE_FINDINGS.length + 3);
  });

  test('real code: HTML and links in comments inside a YAML Loader argument stay text in the report', { skip: NO_MARKDOWN_IT }, async () => {
    const text = [
      'import yaml',
      'import subprocess',
      '',
      'def load(s):',
      '    data = yaml.load(s, Loader=(yaml.Loader  # <img src=x onerror=alert(1)> [x](command:vigil.restartServer)',
      '    ))',
      '    more = yaml.load(s, Loader=(yaml.Loader',
      '# <script>alert(2)</script> [x](https://evil.example) [y](command:vigil.restartServer)',
      '    ))',
      '    subprocess.call("echo `id` <script>alert(1)</script> ```", shell=True)',
      '    return data',
      '',
    ].join('\n');
    const result = analyzeText(await loadParser(), text);
    assert.ok(result.findings.length >= 3, JSON.stringify(result.findings.map((f) => f.message)));
    const markdown = renderReview({ displayPath: 'load.py', text, lineIndex: result.lineIndex, findings: result.findings, hasSyntaxErrors: false, lineLink: (line) => `load.py#L${line + 1}` });
    const tokens = allTokens(markdownIt!.parse(markdown, {}));
    assert.deepEqual(tokens.filter((token) => token.type.startsWith('html')).map((token) => token.content), []);
    const html = markdownIt!.render(markdown);
    assert.doesNotMatch(html, /<img|<script/i);
    assert.doesNotMatch(html, /<[^>]*command:/i);
    for (const link of tokens.filter((token) => token.type === 'link_open')) {
      assert.match(link.attrs![0]![1], /^(load\.py#L\d+|https:\/\/cwe\.mitre\.org\/.*)$/);
    }
  });
});

describe('text output', () => {
  test('one bounded line per finding, with control and bidi characters escaped', () => {
    const findings = [
      finding({ line: 0, message: `\`x = "${ESC}[2J${BEL}${RLO}exe.txt${C1}${LRI}"\` quoted\nover\r\nlines` }),
      finding({ line: 1, message: `\`${'a'.repeat(1_000_000)}\` is long` }),
    ];
    const output = formatText([{ path: `src/${ESC}]0;title${BEL}\nnext${RLO}.py`, findings }]);
    const lines = output.trimEnd().split('\n');
    assert.equal(lines.length, 2, output.slice(0, 500));
    assert.doesNotMatch(output.trimEnd(), /[\r\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    assert.equal(lines[0], 'src/\\x1b]0;title\\x07\\nnext\\u202e.py:1:1: VG202 [medium] `x = "\\x1b[2J\\x07\\u202eexe.txt\\x9b\\u2066"` quoted over lines (CWE-502, CWE-20)');
    assert.ok(lines[1]!.length < TEXT_MESSAGE_CHARS + 200, `a line of ${lines[1]!.length} characters`);
    assert.match(lines[1]!, /a… \(CWE-502, CWE-20\)$/);
  });
});
