// A real VS Code workbench for the tests: code-server (VS Code in the browser) with the built .vsix installed,
// in scratch folders, shown in Debian's Chromium driven by playwright-core. Helpers read what a person sees:
// squiggles and the lines they sit on, the Problems panel, hovers, the code action menu, webviews.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort, startGroup } from './processes.mjs';
import { ROOT } from './setup.mjs';

export const RESULTS = join(ROOT, 'test-results', 'e2e');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** User settings of the scratch profile: nothing opens by itself, nothing phones home, no trust prompt. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'files.autoSave': 'off',
  'window.commandCenter': false,
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value; throws with `what` (and the last value) after `timeout` ms. */
export async function waitFor(what, probe, { timeout = 30000, interval = 250 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    }
    await sleep(interval);
  }
}

export class Workbench {
  /** @param {{node24: string, codeServerEntry: string, chromium: string}} tools */
  constructor(tools, vsix) {
    this.tools = tools;
    this.vsix = vsix;
    // Outside the repository: a workspace inside an ignored folder (.cache/) is ignored by the server's
    // .gitignore-aware file discovery, as git itself would ignore it.
    this.scratch = join(tmpdir(), 'vigil-e2e-scratch');
    this.workspace = join(this.scratch, 'workspace');
    this.server = undefined;
    this.context = undefined;
    this.page = undefined;
    this.shots = 0;
  }

  env() {
    const home = join(this.scratch, 'home');
    return {
      ...process.env,
      PATH: `${join(this.tools.node24, '..')}:${process.env.PATH}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_RUNTIME_DIR: join(home, 'run'),
      // No extension gallery: nothing to look up on a machine without internet (an empty product entry turns the
      // gallery off instead of letting it fail on every query).
      EXTENSIONS_GALLERY: '{}',
    };
  }

  codeServerArgs() {
    return [
      this.tools.codeServerEntry,
      '--user-data-dir',
      join(this.scratch, 'user-data'),
      '--extensions-dir',
      join(this.scratch, 'extensions'),
      '--config',
      join(this.scratch, 'config.yaml'),
    ];
  }

  /** Fresh scratch folders, a copy of the fixture workspace, the .vsix installed, code-server listening. */
  async start() {
    const started = Date.now();
    const mark = (what) => console.log(`[e2e] ${what} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
    rmSync(this.scratch, { recursive: true, force: true });
    const dirs = ['home/.config', 'home/.local/share', 'home/.cache', 'home/run', 'user-data/User', 'extensions'];
    for (const dir of dirs) mkdirSync(join(this.scratch, dir), { recursive: true });
    cpSync(join(ROOT, 'test', 'e2e', 'workspace'), this.workspace, { recursive: true });
    writeFileSync(join(this.scratch, 'user-data', 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    writeFileSync(join(this.scratch, 'config.yaml'), 'auth: none\ncert: false\n');
    mkdirSync(RESULTS, { recursive: true });

    const install = spawnSync(this.tools.node24, [...this.codeServerArgs(), '--install-extension', this.vsix], {
      env: this.env(),
      encoding: 'utf8',
      timeout: 120000,
    });
    if (install.status !== 0 || !/was successfully installed/.test(install.stdout)) {
      throw new Error(`installing the .vsix failed:\n${install.stdout}\n${install.stderr}`);
    }

    mark('extension installed');
    this.port = await freePort();
    this.server = await startGroup(
      this.tools.node24,
      [
        ...this.codeServerArgs(),
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${this.port}`,
        '--disable-workspace-trust',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-getting-started-override',
        // A safety net for a test process killed with SIGKILL (no exit handler runs then): with no browser
        // connected, code-server shuts itself down a few minutes later (it accepts no less than 61 s, and notices
        // that the browser is gone only at its next 60 s heartbeat).
        '--idle-timeout-seconds',
        '120',
        this.workspace,
      ],
      { env: this.env(), cwd: this.scratch, logFile: join(RESULTS, 'code-server.log') },
    );
    const base = `http://127.0.0.1:${this.port}`;
    await waitFor(
      'code-server /healthz',
      async () => {
        if (!this.server.alive()) throw new Error(`code-server exited; see ${join(RESULTS, 'code-server.log')}`);
        try {
          return (await fetch(`${base}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      { timeout: 60000 },
    );

    mark('code-server listening');
    this.context = await chromium.launchPersistentContext(join(this.scratch, 'chromium-profile'), {
      executablePath: this.tools.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
    this.page = this.context.pages()[0] ?? (await this.context.newPage());
    this.page.setDefaultTimeout(30000);
    await this.page.goto(`${base}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator('.monaco-workbench').waitFor();
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
    mark('workbench shown');
  }

  /** Closes the browser and ends code-server's whole process group (extension host and language server too). */
  async stop() {
    try {
      await this.context?.close();
    } finally {
      await this.server?.stop();
      this.keepLogs();
    }
  }

  /** What the "Vigil" output channel holds so far (VS Code writes each channel to a log file), or '' before it exists. */
  vigilOutput() {
    const logs = join(this.scratch, 'user-data', 'logs');
    if (!existsSync(logs)) return '';
    return readdirSync(logs)
      .map((session) => join(logs, session, 'exthost1', 'vigil.vigil', 'Vigil.log'))
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path, 'utf8'))
      .join('\n');
  }

  /** Copies the extension host's log and Vigil's output channel next to the screenshots. */
  keepLogs() {
    const logs = join(this.scratch, 'user-data', 'logs');
    if (!existsSync(logs)) return;
    for (const session of readdirSync(logs)) {
      for (const [from, to] of [
        [join(logs, session, 'exthost1', 'vigil.vigil', 'Vigil.log'), 'vigil-output.log'],
        [join(logs, session, 'exthost1', 'remoteexthost.log'), 'extension-host.log'],
      ]) {
        if (existsSync(from)) copyFileSync(from, join(RESULTS, to));
      }
    }
  }

  async screenshot(name) {
    this.shots += 1;
    const path = join(RESULTS, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Opens the command palette (F1) and runs the command whose label is `label`. */
  async runCommand(label) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${label}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
    await row.waitFor();
    await input.press('Enter');
  }

  /** Opens a workspace file through Quick Open and waits until its editor has focus. */
  async openFile(name) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor();
    await input.press('Enter');
    await this.page.locator(`.tabs-container .tab.active[aria-label^="${name}"]`).waitFor();
    await this.editor().locator('.view-lines').waitFor();
  }

  /** The editor of the active editor group (the one with the focused tab). */
  editor() {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The active editor's text, line by line, as rendered (the fixtures are short enough to be fully visible). */
  async editorLines() {
    return this.editor().evaluate((editor) =>
      [...editor.querySelectorAll('.view-lines .view-line')]
        .map((line) => ({ top: parseFloat(line.style.top), text: line.textContent.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text),
    );
  }

  /** Every squiggle in the active editor with its kind and the 1-based line it sits on, found by geometry:
   * the line number in the gutter whose box holds the squiggle's vertical middle. */
  async squiggles() {
    return this.editor().evaluate((editor) => {
      const numbers = [...editor.querySelectorAll('.margin-view-overlays .line-numbers')].map((element) => ({
        line: Number(element.textContent.trim()),
        rect: element.getBoundingClientRect(),
      }));
      return [...editor.querySelectorAll('.view-overlays [class*="squiggly-"]')].map((element) => {
        const rect = element.getBoundingClientRect();
        const middle = rect.top + rect.height / 2;
        const row = numbers.find((n) => n.rect.top <= middle && middle < n.rect.bottom);
        const kind = [...element.classList].find((name) => name.startsWith('squiggly-')).slice('squiggly-'.length);
        return { kind, line: row ? row.line : -1, x: rect.left + rect.width / 2, y: middle, width: rect.width };
      });
    });
  }

  /**
   * The squiggles of each code cell of the active notebook editor, cells in their visual order: for each cell, its
   * squiggles with their kind and the 1-based line of the cell they sit on (by geometry: the rendered line whose box
   * holds the squiggle's vertical middle; cells show no line numbers by default).
   */
  async notebookCellSquiggles() {
    return this.page
      // The notebook editor lives in an overlay laid over the editor group, not inside it.
      .locator('.notebookOverlay:visible')
      .first()
      .evaluate((notebook) => {
        const cells = [...notebook.querySelectorAll('.monaco-list-row.code-cell-row')]
          .map((row) => ({ row, top: row.getBoundingClientRect().top }))
          .sort((a, b) => a.top - b.top);
        return cells.map(({ row }) => {
          const editor = row.querySelector('.monaco-editor');
          if (!editor) return [];
          const lines = [...editor.querySelectorAll('.view-lines .view-line')]
            .map((line) => line.getBoundingClientRect())
            .sort((a, b) => a.top - b.top);
          return [...editor.querySelectorAll('.view-overlays [class*="squiggly-"]')].map((element) => {
            const rect = element.getBoundingClientRect();
            const middle = rect.top + rect.height / 2;
            const index = lines.findIndex((line) => line.top <= middle && middle < line.bottom);
            const kind = [...element.classList].find((name) => name.startsWith('squiggly-')).slice('squiggly-'.length);
            return { kind, line: index + 1, x: rect.left + rect.width / 2, y: middle };
          });
        });
      });
  }

  async squiggleOn(line) {
    return (await this.squiggles()).find((squiggle) => squiggle.line === line);
  }
}
