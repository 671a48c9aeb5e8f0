// Vigil in a real VS Code workbench (code-server, VS Code in the browser, in Debian's Chromium), driven through
// the UI as a person would: the built .vsix installed, the fixture workspace (test/e2e/workspace, copied to a
// scratch folder) opened. The steps share one workbench and run in order; each saves a screenshot under
// test-results/e2e/ (and a "-failed" one when it fails).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { VSIX } from './run-paths.mjs';
import { ROOT, installedTools } from './setup.mjs';
import { RESULTS, Workbench, waitFor } from './workbench.mjs';
import { readZipEntry } from './zip.mjs';

/** Where app.py's defects are (1-based lines) and how VS Code shows them (medium → warning, high → error). */
const EXPECTED = [
  { rule: 'VG202', line: 10, kind: 'warning' },
  { rule: 'VG102', line: 14, kind: 'error' },
  { rule: 'VG301', line: 18, kind: 'error' },
];
const STEP_TIMEOUT = 90000;

// What the extension under test contributes: the manifest inside the .vsix (run.mjs built it before this file
// loads), not package.json, which may have moved on since.
const manifest = existsSync(VSIX) ? JSON.parse(readZipEntry(VSIX, 'extension/package.json').toString('utf8')) : {};
const contributes = (command) => (manifest.contributes?.commands ?? []).some((entry) => entry.command === command);

const FIXTURES = join(ROOT, 'test', 'e2e', 'workspace');

let bench;

/** The Markdown preview's content: a webview, whose document lives in an inner frame. */
function report() {
  return bench.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

before(
  async () => {
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run "npm run test:e2e", which builds it`);
    bench = new Workbench(installedTools(), VSIX);
    await bench.start();
    await bench.screenshot('workbench');
    await bench.openFile('app.py');
  },
  { timeout: 180000 },
);

after(async () => {
  const started = Date.now();
  await bench?.stop();
  console.log(`[e2e] workbench stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** A test step that saves a screenshot when it fails, to see what the workbench showed. */
function step(name, options, body) {
  test(name, { timeout: STEP_TIMEOUT, ...options }, async (t) => {
    try {
      await body(t);
    } catch (error) {
      await bench?.screenshot(`${slug(name)}-failed`).catch(() => {});
      throw error;
    }
  });
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
}

async function expectSquiggles(expected) {
  return waitFor(
    `squiggles on ${expected.map((e) => `${e.kind}@${e.line}`).join(', ')}`,
    async () => {
      const squiggles = await bench.squiggles();
      const seen = squiggles.map((s) => `${s.kind}@${s.line}`).sort();
      const wanted = expected.map((e) => `${e.kind}@${e.line}`).sort();
      return JSON.stringify(seen) === JSON.stringify(wanted) ? squiggles : false;
    },
    { timeout: 45000 },
  ).catch(async (error) => {
    const squiggles = await bench.squiggles();
    throw new Error(`${error.message}\nseen: ${JSON.stringify(squiggles.map((s) => `${s.kind}@${s.line}`))}`);
  });
}

step('squiggles appear on the defective lines and the Problems panel lists the rule IDs', {}, async () => {
  await expectSquiggles(EXPECTED);
  await bench.page.keyboard.press('Control+Shift+M');
  const rows = bench.page.locator('.markers-panel .monaco-list-row');
  const texts = await waitFor(
    'Problems rows for every rule',
    async () => {
      const all = await rows.allInnerTexts();
      return EXPECTED.every((e) => all.some((text) => text.includes(e.rule))) ? all : false;
    },
    { timeout: 20000 },
  );
  for (const { rule, line } of EXPECTED) {
    const row = texts.find((text) => text.includes(rule));
    assert.match(row, new RegExp(`\\[Ln ${line}, Col \\d+\\]`), `Problems row of ${rule}: ${row}`);
    assert.match(row, /vigil/, `Problems row of ${rule} names its source: ${row}`);
  }
  assert.match(await bench.page.locator('#status\\.problems').innerText(), /2\D+1/, 'status bar: 2 errors, 1 warning');
  await bench.screenshot('squiggles-and-problems');
  await bench.page.keyboard.press('Control+Shift+M'); // close the panel again
});

step('the extension times its activation in the Vigil output channel', {}, async () => {
  const line = await waitFor(
    'the activation line in the Vigil output channel',
    async () => /Vigil activated in (\d+) ms \(language server started and initialized in (\d+) ms\)/.exec(bench.vigilOutput()) ?? false,
    { timeout: 20000 },
  );
  const [activationMs, serverMs] = [Number(line[1]), Number(line[2])];
  assert.ok(serverMs <= activationMs, `the server's start is part of the activation: ${line[0]}`);
  // Reported, not judged (timings belong in the bench): BENCHMARKS.md quotes it from a run.
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'activation.json'), JSON.stringify({ activationMs, serverMs }) + '\n');
  console.log(`[e2e] ${line[0]}`);
});

step('the status bar shows the file\'s findings and opens the Problems panel', {}, async () => {
  const item = bench.page.locator('.statusbar-item[id$="vigil.status"]');
  await waitFor('the Vigil status bar item to count 2 errors and 1 warning', async () => /2\D+1\D+0/.test(await item.innerText().catch(() => '')));
  await item.click();
  await bench.page.locator('.markers-panel').waitFor({ timeout: 10000 });
  await bench.screenshot('status-bar');
  await bench.page.keyboard.press('Control+Shift+M'); // close the panel again
  await bench.editor().click({ position: { x: 200, y: 40 } });
});

step('"Vigil: Show Rule Documentation" opens the page of the picked rule', {}, async () => {
  await bench.runCommand('Vigil: Show Rule Documentation');
  const input = bench.page.locator('.quick-input-widget input');
  // The picker lists every rule; its list is virtualised, so filter first and wait for the row to be shown.
  await bench.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 15000 });
  await input.fill('VG202');
  await bench.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'VG202' }).first().waitFor({ timeout: 15000 });
  await input.press('Enter');
  const heading = report().locator('h1', { hasText: 'VG202 yaml-unsafe-load' });
  await heading.waitFor({ timeout: 20000 });
  assert.ok(await report().locator('h2', { hasText: 'Why is this bad?' }).count(), 'the page explains why');
  await bench.screenshot('rule-documentation');
  // Close the page (later steps read the report's preview) with the mouse: keys would go into the webview.
  await bench.page.locator('.tabs-container .tab', { hasText: 'VG202-yaml-unsafe-load' }).click({ button: 'middle' });
  await bench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'app.py' }).first().click();
  await bench.page.locator('.tabs-container .tab.active[aria-label^="app.py"]').waitFor({ timeout: 10000 });
  await bench.editor().locator('.view-lines').waitFor();
});

step('hovering a squiggle shows the explanation', {}, async () => {
  const squiggle = await bench.squiggleOn(10);
  assert.ok(squiggle, 'no squiggle on line 10');
  await bench.page.mouse.move(squiggle.x, squiggle.y);
  const hover = bench.page.locator('.monaco-hover:visible', { hasText: 'Why it matters' }).first();
  await hover.waitFor({ timeout: 15000 });
  const text = await hover.innerText();
  assert.match(text, /VG202/);
  assert.match(text, /YAML loaded with an unsafe loader/);
  assert.match(text, /Why it matters/);
  assert.match(text, /CWE-502/);
  await bench.screenshot('hover');
  await bench.page.mouse.move(5, 5);
  await bench.page.keyboard.press('Escape');
});

step('ignoring a rule in the workspace settings removes its squiggles; they return without it', {}, async () => {
  const settingsDir = join(bench.workspace, '.vscode');
  mkdirSync(settingsDir, { recursive: true });
  writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify({ 'vigil.ignore': ['VG202'] }, null, 2) + '\n');
  await expectSquiggles(EXPECTED.filter((e) => e.rule !== 'VG202'));
  await bench.screenshot('setting-ignores-VG202');
  rmSync(join(settingsDir, 'settings.json'));
  await expectSquiggles(EXPECTED);
});

step('the quick fix "Use `yaml.safe_load`" changes the file and its squiggle disappears', {}, async () => {
  const squiggle = await bench.squiggleOn(10);
  assert.ok(squiggle, 'no squiggle on line 10');
  await bench.page.mouse.click(squiggle.x, squiggle.y);
  await bench.page.keyboard.press('Control+.');
  const action = bench.page.locator('.action-widget .monaco-list-row', { hasText: 'yaml.safe_load' }).first();
  await action.waitFor({ timeout: 15000 });
  const offered = await bench.page.locator('.action-widget .monaco-list-row').allInnerTexts();
  await bench.screenshot('quick-fix-menu');
  assert.ok(offered.some((text) => text.includes('Use `yaml.safe_load`')), `offered: ${JSON.stringify(offered)}`);
  await action.click();

  const line = await waitFor('line 10 to change', async () => {
    const text = (await bench.editorLines())[9];
    return text?.includes('safe_load') ? text : false;
  });
  assert.equal(line.trim(), 'return yaml.safe_load(handle)');
  await expectSquiggles(EXPECTED.filter((e) => e.rule !== 'VG202'));
  await bench.page.keyboard.press('Control+S');
  const file = join(bench.workspace, 'app.py');
  await waitFor('app.py saved', () => readFileSync(file, 'utf8').includes('yaml.safe_load(handle)'));
  const original = readFileSync(join(FIXTURES, 'app.py'), 'utf8');
  assert.equal(
    readFileSync(file, 'utf8'),
    original.replace('yaml.load(handle, Loader=yaml.Loader)', 'yaml.safe_load(handle)'),
    'only the call changed',
  );
  await bench.screenshot('quick-fix-applied');
});

step('"Vigil: Review File" opens the report with its verdict', {}, async () => {
  await bench.editor().click({ position: { x: 200, y: 40 } });
  await bench.runCommand('Vigil: Review File');
  const verdict = report()
    .locator('strong', { hasText: /security defects? found|No security defects/ })
    .first();
  await verdict.waitFor({ timeout: 30000 });
  assert.equal((await verdict.innerText()).trim(), '2 security defects found (2 high).');
  assert.match(await report().locator('h1').first().innerText(), /Security review: app\.py/);
  await bench.screenshot('review-file');
});

step('each finding\'s line in the Review File report is a link that reveals it', {}, async () => {
  const links = await report().locator('a').allInnerTexts();
  assert.ok(links.includes('line 14') && links.includes('line 18'), `links in the report: ${JSON.stringify(links)}`);
  await report().locator('a', { hasText: 'line 18' }).first().click();
  const cursor = bench.page.locator('[id="status.editor.selection"]');
  await waitFor('the editor to reveal line 18 of app.py', async () => /Ln 18\b/.test(await cursor.innerText().catch(() => '')), {
    timeout: 15000,
  });
  await bench.screenshot('review-line-link');
});

step(
  '"Vigil: Review Workspace" fills the Problems panel for a file that was never opened',
  { skip: !contributes('vigil.reviewWorkspace') && 'the extension does not contribute vigil.reviewWorkspace yet' },
  async () => {
    // jobs.py is never opened in the editor; its only defect is VG202 on line 6.
    await bench.runCommand('Vigil: Review Workspace');
    const toast = '.notifications-toasts .notification-toast';
    const summary = bench.page.locator(toast, { hasText: 'Vigil reviewed' });
    await summary.waitFor({ timeout: 60000 });
    assert.match(await summary.innerText(), /Vigil reviewed 2 Python files/);
    const progress = bench.page.locator(toast, { hasText: 'reviewing the workspace' });
    await waitFor('the progress notification to close', async () => (await progress.count()) === 0, { timeout: 15000 });
    await bench.page.keyboard.press('Control+Shift+M');
    const rows = bench.page.locator('.markers-panel .monaco-list-row');
    await waitFor(
      'a Problems row for jobs.py',
      async () => (await rows.allInnerTexts()).some((text) => /VG202/.test(text) && /\[Ln 6, Col \d+\]/.test(text)),
      { timeout: 60000 },
    );
    assert.ok((await rows.allInnerTexts()).some((text) => text.includes('jobs.py')), 'jobs.py is listed');
    await bench.screenshot('review-workspace');
  },
);

/** A notebook of two code cells: the first imports (between IPython magics), the second has the defect on line 2. */
const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
  cells: [
    ['%matplotlib inline', 'import subprocess', '!pip --version'],
    ['def run(host):', '    subprocess.call("ping -c 1 " + host, shell=True)'],
  ].map((lines) => ({
    cell_type: 'code',
    metadata: {},
    execution_count: null,
    outputs: [],
    source: lines.map((line, index) => (index < lines.length - 1 ? `${line}\n` : line)),
  })),
};

step('a Jupyter notebook shows the squiggle in its second cell, on the line of the defect', {}, async () => {
  writeFileSync(join(bench.workspace, 'analysis.ipynb'), JSON.stringify(NOTEBOOK, null, 1) + '\n');
  /** Opens the notebook from the Explorer (which shows a new file at once) and waits for the second cell's squiggle. */
  const openNotebook = async () => {
    await bench.runCommand('View: Close All Editors');
    await bench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'analysis.ipynb' }).first().click({ timeout: 30000 });
    await bench.page.locator('.notebookOverlay:visible .monaco-list-row.code-cell-row .monaco-editor').nth(1).waitFor({ timeout: 30000 });
    return waitFor(
      'a squiggle in the second cell',
      async () => {
        const found = await bench.notebookCellSquiggles();
        return found.length === 2 && found[1].some((squiggle) => squiggle.kind === 'error' || squiggle.kind === 'warning') ? found : false;
      },
      { timeout: 60000 },
    );
  };
  let cells = await openNotebook();
  await bench.screenshot('notebook-squiggle');
  let defects = cells[1].filter((squiggle) => squiggle.kind === 'error' || squiggle.kind === 'warning');
  assert.deepEqual(defects.map((squiggle) => squiggle.line), [2], `second cell: ${JSON.stringify(cells[1])}`);
  assert.ok(!cells[0].some((squiggle) => squiggle.kind === 'error' || squiggle.kind === 'warning'), `the magics are no errors: ${JSON.stringify(cells[0])}`);
  // The hover on the cell's squiggle explains the finding. A notebook sometimes loses the first mouse-over, or the
  // editor the hover request: try the mouse, then the keyboard (Show or Focus Hover, Ctrl+K Ctrl+I), then open the
  // notebook again and repeat.
  const hover = bench.page.locator('.monaco-hover:visible', { hasText: 'Why it matters' }).first();
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0 && attempt % 2 === 0) {
      cells = await openNotebook();
      defects = cells[1].filter((squiggle) => squiggle.kind === 'error' || squiggle.kind === 'warning');
    }
    if (attempt % 2 === 0) {
      await bench.page.mouse.move(defects[0].x, defects[0].y);
    } else {
      await bench.page.mouse.click(defects[0].x + 3, defects[0].y);
      await bench.page.keyboard.press('Control+k');
      await bench.page.keyboard.press('Control+i');
    }
    // Let it rest past the hover delay before looking (a screenshot for the record).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await bench.screenshot(`notebook-hover-${attempt}`);
    try {
      await hover.waitFor({ timeout: 8000 });
      break;
    } catch (error) {
      if (attempt === 5) throw error;
      await bench.page.mouse.move(5, 5);
    }
  }
  assert.match(await hover.innerText(), /VG102/);
  await bench.screenshot('notebook-hover');
  await bench.page.mouse.move(5, 5);
  await bench.page.keyboard.press('Escape');
});

step('"Vigil: Review Changes" reports the defect a change introduces in a git workspace', {}, async () => {
  // The workspace becomes a repository whose last commit is what is there now; then a change adds one defect.
  const gitIn = (...args) => {
    const result = spawnSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
      cwd: bench.workspace,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    });
    assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
  };
  gitIn('init', '-q');
  gitIn('add', '-A');
  gitIn('commit', '-q', '-m', 'base');
  const jobs = join(bench.workspace, 'jobs.py');
  writeFileSync(jobs, readFileSync(jobs, 'utf8') + '\n\ndef purge(path):\n    import os\n    os.system("rm -rf " + path)\n');
  await bench.runCommand('View: Close All Editors');
  await bench.openFile('app.py');
  await bench.runCommand('Vigil: Review Changes');
  const verdict = report().locator('strong', { hasText: /introduced by this change/ }).first();
  await verdict.waitFor({ timeout: 60000 });
  assert.equal((await verdict.innerText()).trim(), '1 security defect is introduced by this change (1 high).');
  assert.match(await report().locator('h1').first().innerText(), /Security review of a change/);
  const body = await report().locator('body').innerText();
  assert.match(body, /jobs\.py/);
  assert.match(body, /VG102/);
  assert.doesNotMatch(body, /VG202/, 'the finding jobs.py already had is not listed');
  await bench.screenshot('review-changes');
});

