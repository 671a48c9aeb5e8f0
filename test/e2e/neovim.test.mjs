// Neovim as a second real LSP client: the same dist/server.js, started over stdio by nvim's own LSP client,
// must deliver diagnostics with Vigil's rule IDs and a hover that explains the finding.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startGroup } from './processes.mjs';
import { CACHE, ROOT, installedTools } from './setup.mjs';

const RESULTS = join(ROOT, 'test-results', 'e2e');

test('Neovim (headless) gets Vigil diagnostics and a hover over stdio', { timeout: 90000 }, async () => {
  const tools = installedTools();
  const server = join(ROOT, 'dist', 'server.js');
  assert.ok(existsSync(server), 'dist/server.js is missing: run npm run build');
  const scratch = join(CACHE, 'nvim-scratch');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  mkdirSync(RESULTS, { recursive: true });
  const out = join(scratch, 'result.json');

  const script = join(ROOT, 'test', 'e2e', 'neovim.lua');
  const nvim = await startGroup(tools.nvim, ['--headless', '--clean', '-n', '-c', `luafile ${script}`], {
    cwd: scratch,
    env: {
      ...process.env,
      HOME: scratch,
      XDG_CONFIG_HOME: join(scratch, 'config'),
      XDG_DATA_HOME: join(scratch, 'data'),
      XDG_STATE_HOME: join(scratch, 'state'),
      XDG_CACHE_HOME: join(scratch, 'cache'),
      VIGIL_SERVER: server,
      VIGIL_FILE: join(ROOT, 'test', 'e2e', 'workspace', 'app.py'),
      VIGIL_OUT: out,
    },
    logFile: join(RESULTS, 'neovim.log'),
  });
  try {
    let timer;
    const exit = await Promise.race([
      nvim.exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), 60000))),
    ]);
    clearTimeout(timer);
    assert.notEqual(exit, 'timeout', 'nvim did not finish within 60 s');
    assert.equal(exit.code, 0, `nvim exited with ${JSON.stringify(exit)}; see ${join(RESULTS, 'neovim.log')}`);
  } finally {
    await nvim.stop(); // also ends the language server if nvim left it behind
  }

  assert.ok(existsSync(out), `nvim wrote no result; see ${join(RESULTS, 'neovim.log')}`);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  writeFileSync(join(RESULTS, 'neovim-result.json'), JSON.stringify(result, null, 2) + '\n');
  assert.equal(result.error, undefined, `the Lua script failed: ${result.error}`);
  assert.equal(result.arrived, true, 'no diagnostics arrived within 20 s');

  const found = result.diagnostics.map((d) => `${d.code}@${d.line}`).sort();
  assert.deepEqual(found, ['VG102@14', 'VG202@10', 'VG301@18']);
  for (const diagnostic of result.diagnostics) assert.equal(diagnostic.source, 'vigil');

  assert.equal(typeof result.hover, 'string', 'no hover at the VG202 finding');
  assert.match(result.hover, /VG202/);
  assert.match(result.hover, /Why it matters/);
  assert.match(result.hover, /safe_load/);
});
