import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ConfigResolver } from '../server/src/host/config';
import { MAX_FILE_BYTES, readPythonSource, readRegularFile } from '../server/src/host/files';

/**
 * The command line on inputs that are not plain Python files in plain folders: FIFOs, devices, huge and sparse
 * files, names that are not UTF-8, symbolic link loops, unreadable files and folders, folders with nothing to
 * analyse, broken configurations, files with syntax errors, control characters in code and names. Every run must
 * finish (a FIFO must not block it), say what it did not analyse and why, and keep going.
 */

const CLI = join(__dirname, '..', 'dist', 'cli.js');
const POSIX = process.platform !== 'win32';
/** root reads files whatever their mode: chmod 000 proves nothing then. */
const ROOT = process.getuid?.() === 0;

function vigil(args: string[], cwd: string, nodeOptions: string[] = []) {
  // A timeout turns a blocked read (a FIFO opened without O_NONBLOCK) into a failure instead of a hung suite.
  const result = spawnSync(process.execPath, [...nodeOptions, CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000 });
  assert.equal(result.error, undefined, `vigil ${args.join(' ')} did not finish: ${String(result.error)}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function mkfifo(path: string): boolean {
  return spawnSync('mkfifo', [path]).status === 0;
}

const VULNERABLE = 'import yaml\n\ndef load(path):\n    with open(path) as fh:\n        return yaml.load(fh)\n';
const CLEAN = 'print("hello")\n';

describe('command line: files that are not regular files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-special-'));
    writeFileSync(join(dir, 'app.py'), VULNERABLE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a FIFO, named or met in a folder, is reported and never opened', { skip: !POSIX }, () => {
    const fifo = join(dir, 'pipe.py');
    if (!mkfifo(fifo)) return;
    try {
      const named = vigil(['check', 'pipe.py', 'app.py'], dir);
      assert.match(named.stderr, /pipe\.py: skipped: not a regular file \(a FIFO\)/);
      assert.match(named.stdout, /app\.py:5:16: VG202/);
      assert.equal(named.code, 1, 'the exit status reflects the other files');
      const walked = vigil(['check', '.'], dir);
      assert.match(walked.stderr, /pipe\.py: skipped: not a regular file \(a FIFO\)/);
      assert.equal(walked.code, 1);
      const reviewed = vigil(['review', 'pipe.py'], dir);
      assert.equal(reviewed.code, 2);
      assert.match(reviewed.stderr, /not a regular file/);
    } finally {
      rmSync(fifo);
    }
  });

  test('character devices are skipped with a message, never read', { skip: !existsSync('/dev/zero') }, () => {
    const { code, stdout, stderr } = vigil(['check', '/dev/zero', '/dev/null', 'app.py'], dir);
    assert.match(stderr, /\/dev\/zero: skipped: not a regular file \(a character device\)/);
    assert.match(stderr, /\/dev\/null: skipped: not a regular file/);
    assert.match(stdout, /app\.py:5:16: VG202/);
    assert.equal(code, 1);
  });

  test('a FIFO named vigil.toml or pyproject.toml does not block the configuration search', { skip: !POSIX }, () => {
    for (const name of ['vigil.toml', 'pyproject.toml']) {
      const project = mkdtempSync(join(tmpdir(), 'vigil-fifo-config-'));
      try {
        writeFileSync(join(project, 'app.py'), VULNERABLE);
        if (!mkfifo(join(project, name))) return;
        const { code, stdout, stderr } = vigil(['check', '.'], project);
        assert.match(stderr, new RegExp(`${name.replace('.', '\\.')}: not a regular file; ignored`));
        assert.match(stdout, /app\.py:5:16: VG202/);
        assert.equal(code, 1);
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
    }
  });

  test('a file over the size limit is skipped from its size, without being read', () => {
    // Sparse: 3 GB on disk costs nothing, but reading it whole would fail (or take all memory).
    const huge = join(dir, 'huge.py');
    writeFileSync(huge, 'x = 1\n');
    truncateSync(huge, 3 * 1024 * 1024 * 1024);
    try {
      const { code, stdout, stderr } = vigil(['check', '.'], dir);
      assert.match(stderr, /huge\.py: skipped: 3072\.0 MB is larger than the 5 MB limit/);
      assert.match(stdout, /app\.py:5:16: VG202/);
      assert.equal(code, 1);
    } finally {
      rmSync(huge);
    }
  });

  test('reads are bounded: at most limit + 1 bytes, even when stat says 0', { skip: !existsSync('/proc/self/maps') }, () => {
    // /proc files are regular files whose stat size is 0 while they hold text.
    const read = readRegularFile('/proc/self/maps', 16);
    assert.ok('error' in read && /larger than/.test(read.error), JSON.stringify(read));
    const whole = readRegularFile('/proc/self/maps', MAX_FILE_BYTES);
    assert.ok('bytes' in whole && whole.bytes.length > 16);
  });
});

describe('command line: names that are not UTF-8', () => {
  let dir: string;
  let created = false;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-names-'));
    try {
      const base = Buffer.from(dir + '/');
      // f\xff.py, and a folder d\xfe holding g.py: neither name is valid UTF-8.
      writeFileSync(Buffer.concat([base, Buffer.from([0x66, 0xff, 0x2e, 0x70, 0x79])]), VULNERABLE);
      mkdirSync(Buffer.concat([base, Buffer.from([0x64, 0xfe])]));
      writeFileSync(Buffer.concat([base, Buffer.from([0x64, 0xfe, 0x2f, 0x67, 0x2e, 0x70, 0x79])]), VULNERABLE);
      created = true;
    } catch {
      // file systems that require UTF-8 names (APFS, Windows) cannot hold such files: nothing to test
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('are read and shown with the undecodable bytes escaped, never reported missing', () => {
    if (!created) return;
    const { code, stdout, stderr } = vigil(['check', '.'], dir);
    assert.doesNotMatch(stderr, /ENOENT|no such file/);
    assert.match(stdout, /^d\\xfe\/g\.py:5:16: VG202/m);
    assert.match(stdout, /^f\\xff\.py:5:16: VG202/m);
    assert.match(stderr, /2 findings in 2 files\./);
    assert.equal(code, 1);
    const json = JSON.parse(vigil(['check', '--format', 'json', '.'], dir).stdout);
    assert.deepEqual(json.findings.map((finding: { path: string }) => finding.path).sort(), ['d\\xfe/g.py', 'f\\xff.py']);
  });

  test('named on the command line (Node decodes the bad byte to U+FFFD), they are found by check and review', () => {
    if (!created) return;
    // What a shell's `f$'\xff'.py` becomes in process.argv.
    const check = vigil(['check', 'f\ufffd.py'], dir);
    assert.doesNotMatch(check.stderr, /ENOENT|no such file/);
    assert.match(check.stdout, /^f\\xff\.py:5:16: VG202/m);
    assert.equal(check.code, 1);
    const review = vigil(['review', 'f\ufffd.py'], dir);
    assert.doesNotMatch(review.stderr, /ENOENT|no such file/);
    assert.match(review.stdout, /^# Security review: `f\\xff\.py`/m);
    assert.match(review.stdout, /VG202/);
    assert.equal(review.code, 0);
    // A name that matches no entry is still missing, with the hint.
    const missing = vigil(['check', 'zz\ufffd.py'], dir);
    assert.match(missing.stderr, /no such file or directory \(if its name is not valid UTF-8/);
    assert.equal(missing.code, 2);
  });
});

describe('command line: loops, folders named like files, permissions', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-perm-'));
    writeFileSync(join(dir, 'app.py'), VULNERABLE);
    symlinkSync('loop.py', join(dir, 'loop.py'));
    symlinkSync('b.py', join(dir, 'a.py'));
    symlinkSync('a.py', join(dir, 'b.py'));
    mkdirSync(join(dir, 'pkg.py'));
    writeFileSync(join(dir, 'pkg.py', 'inner.py'), CLEAN);
    writeFileSync(join(dir, 'secret.py'), VULNERABLE);
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'hidden.py'), VULNERABLE);
    chmodSync(join(dir, 'secret.py'), 0o000);
    chmodSync(join(dir, 'locked'), 0o000);
  });
  after(() => {
    chmodSync(join(dir, 'locked'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a symbolic link loop named on the command line is reported, the other files analysed', () => {
    const { code, stdout, stderr } = vigil(['check', 'loop.py', 'a.py', 'app.py'], dir);
    assert.match(stderr, /loop\.py: cannot read: symbolic link loop \(ELOOP\)/);
    assert.match(stderr, /a\.py: cannot read: symbolic link loop \(ELOOP\)/);
    assert.match(stdout, /app\.py:5:16: VG202/);
    assert.equal(code, 1, 'the exit status reflects the findings of the other files');
  });

  test('a folder named x.py is walked as a folder; `review` of it says what it is', () => {
    const checked = vigil(['check', 'pkg.py'], dir);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stderr, /0 findings in 1 file\./);
    const reviewed = vigil(['review', 'pkg.py'], dir);
    assert.equal(reviewed.code, 2);
    assert.match(reviewed.stderr, /pkg\.py: skipped: not a regular file \(a directory\)/);
  });

  test('unreadable files and folders are reported; the run carries on', () => {
    const { code, stdout, stderr } = vigil(['check', '.'], dir);
    assert.match(stdout, /^app\.py:5:16: VG202/m);
    assert.doesNotMatch(stderr, /internal error/);
    if (ROOT) {
      // root reads mode-000 files and folders: nothing is unreadable, both are analysed
      assert.match(stdout, /^secret\.py:5:16: VG202/m);
      assert.match(stdout, /^locked\/hidden\.py:5:16: VG202/m);
    } else {
      assert.match(stderr, /secret\.py: cannot read file: permission denied \(EACCES\)/);
      assert.match(stderr, /locked: cannot read folder: permission denied \(EACCES\)/);
      assert.match(stderr, /1 finding in 2 files\. 1 file not analysed\./);
    }
    assert.equal(code, 1, 'the exit status reflects the findings of the other files');
  });
});

describe('command line: what was not analysed', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-empty-'));
    mkdirSync(join(dir, '.git'));
    mkdirSync(join(dir, 'ignored'));
    mkdirSync(join(dir, 'ignored', 'sub'));
    for (const name of ['a.py', 'b.py', 'c.py']) writeFileSync(join(dir, 'ignored', name), VULNERABLE);
    writeFileSync(join(dir, 'ignored', '.gitignore'), '*.py\nsub/\n');
    mkdirSync(join(dir, 'excluded', 'migrations'), { recursive: true });
    writeFileSync(join(dir, 'excluded', 'migrations', '0001.py'), VULNERABLE);
    writeFileSync(join(dir, 'excluded', 'vigil.toml'), 'exclude = ["migrations/"]\n');
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'index.md'), '# docs\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a folder whose Python files .gitignore hides says so, and how to include them', () => {
    const { code, stderr } = vigil(['check', 'ignored'], dir);
    assert.match(stderr, /ignored: no Python files analysed: 3 Python files and 1 folder skipped by \.gitignore \(use --no-gitignore\)/);
    assert.doesNotMatch(stderr, /0 findings in 0 files/);
    assert.equal(code, 0);
    assert.equal(vigil(['check', '--no-gitignore', 'ignored'], dir).code, 1);
  });

  test('a folder whose Python files the configuration excludes names the configuration', () => {
    const { code, stderr } = vigil(['check', 'excluded'], dir);
    assert.match(stderr, /excluded: no Python files analysed: 1 Python file excluded by `exclude` in excluded\/vigil\.toml/);
    assert.equal(code, 0);
  });

  test('a folder without Python files is a warning; a missing path is exit status 2', () => {
    const empty = vigil(['check', 'docs'], dir);
    assert.match(empty.stderr, /warning: docs: no Python files found/);
    assert.equal(empty.code, 0);
    const json = JSON.parse(vigil(['check', '--format', 'json', 'docs'], dir).stdout);
    assert.deepEqual(json.notices, [{ path: 'docs', kind: 'no-python-files', message: 'no Python files found' }]);
    const missing = vigil(['check', 'nowhere'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere: no such file or directory/);
  });
});

describe('command line: configuration errors', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-config-errors-'));
    writeFileSync(join(dir, 'app.py'), VULNERABLE);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const withConfig = (name: string, text: string) => {
    rmSync(join(dir, 'vigil.toml'), { force: true });
    rmSync(join(dir, 'pyproject.toml'), { force: true });
    writeFileSync(join(dir, name), text);
    return vigil(['check', '.'], dir);
  };

  test('an unknown rule code in the configuration is an error, as on the command line', () => {
    const option = vigil(['check', '--select', 'VG1O2', '.'], dir);
    assert.equal(option.code, 2);
    const toml = withConfig('vigil.toml', 'select = ["VG1O2"]\n');
    assert.equal(toml.code, 2);
    assert.match(toml.stderr, /vigil\.toml: `select` VG1O2: no rule has this ID, name, Bandit or Ruff code/);
    assert.equal(toml.stdout, '');
    const pyproject = withConfig('pyproject.toml', '[tool.vigil]\nignore = ["VG202", "B9999"]\n');
    assert.equal(pyproject.code, 2);
    assert.match(pyproject.stderr, /pyproject\.toml: \[tool\.vigil\] `ignore` B9999: no rule has/);
    const perFile = withConfig('vigil.toml', '[per-file-ignores]\n"tests/**" = ["VG4O1"]\n');
    assert.equal(perFile.code, 2);
    assert.match(perFile.stderr, /per-file-ignores "tests\/\*\*" VG4O1: no rule has/);
    assert.equal(withConfig('vigil.toml', 'select = ["VG2", "B506", "yaml-unsafe-load"]\n').code, 1, 'known codes still work');
  });

  test('a TOML syntax error names the line and column', () => {
    const { code, stderr } = withConfig('pyproject.toml', '[project]\nname = "app"\n\n[tool.vigil]\nselect = ["VG1",\nignore = []\n');
    assert.equal(code, 2);
    assert.match(stderr, /pyproject\.toml:6:\d+: invalid TOML: /);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
  });

  test('a value of the wrong type is one message naming the key and the expected type', () => {
    const select = withConfig('pyproject.toml', '[tool.vigil]\nselect = "VG1"\n');
    assert.equal(select.code, 2);
    assert.deepEqual(select.stderr.trim().split('\n'), [`vigil: ${join(dir, 'pyproject.toml')}: [tool.vigil] \`select\` must be a list of strings, not a string`]);
    const level = withConfig('vigil.toml', 'min-confidence = 2\n');
    assert.equal(level.code, 2);
    assert.match(level.stderr, /`min-confidence` must be one of "low", "medium", "high", not an integer/);
    const table = withConfig('vigil.toml', 'per-file-ignores = ["VG202"]\n');
    assert.match(table.stderr, /`per-file-ignores` must be a table of "pattern" = \[codes\], not a list/);
  });

  test('the editor still gets every problem as a warning (ConfigResolver API)', () => {
    withConfig('vigil.toml', 'select = ["VG1O2"]\nmystery = 1\n');
    const config = new ConfigResolver().configFor(join(dir, 'app.py'));
    assert.ok(config);
    assert.equal(config.warnings.length, 2);
    assert.match(config.warnings.join('\n'), /unknown key `mystery`/);
    assert.deepEqual(config.errors, config.warnings.filter((warning) => /VG1O2/.test(warning)));
    rmSync(join(dir, 'vigil.toml'));
  });
});

describe('command line: partial results and terminal safety', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-partial-'));
    writeFileSync(join(dir, 'broken.py'), 'import yaml\n\ndef load(path:\n    return yaml.load(path)\n');
    writeFileSync(join(dir, 'fine.py'), VULNERABLE);
    // ESC, BEL and a C1 CSI in a string the rule's message quotes.
    writeFileSync(join(dir, 'tmp.py'), 'open("/tmp/\x1b]0;owned\x07\x1b[2J\u009b31mx", "w")\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a file with syntax errors says so, in text and in JSON', () => {
    const text = vigil(['check', 'broken.py', 'fine.py'], dir);
    assert.match(text.stderr, /^vigil: broken\.py: syntax errors from line 3; the rest was analysed$/m);
    assert.doesNotMatch(text.stderr, /fine\.py: syntax/);
    assert.match(text.stdout, /broken\.py:4:\d+: VG202/, 'the rest was analysed');
    const json = JSON.parse(vigil(['check', '--format', 'json', 'broken.py', 'fine.py'], dir).stdout);
    assert.deepEqual(Object.keys(json), ['tool', 'version', 'filesAnalyzed', 'findings', 'errors', 'notices']);
    assert.equal(json.filesAnalyzed, 2);
    assert.deepEqual(json.notices, [
      { path: 'broken.py', kind: 'syntax-errors', message: 'syntax errors from line 3; the rest was analysed', line: 3 },
    ]);
  });

  test('SARIF carries the notices and stays valid SARIF 2.1.0', () => {
    const log = JSON.parse(vigil(['check', '--format', 'sarif', 'broken.py', 'fine.py'], dir).stdout);
    const schemaPath = require.resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    const valid: boolean = validate(log);
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    const [notification] = log.runs[0].invocations[0].toolExecutionNotifications;
    assert.equal(notification.level, 'note');
    assert.match(notification.message.text, /syntax errors from line 3/);
  });

  test('text output escapes control characters from analysed code and file names', () => {
    const named = join(dir, 'e\x1b[31m\u009b.py');
    writeFileSync(named, 'open("/tmp/x", "w")\n');
    try {
      const { stdout, stderr } = vigil(['check', '.'], dir);
      const output = stdout + stderr;
      assert.doesNotMatch(output, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, JSON.stringify(output));
      assert.match(stdout, /tmp\.py:1:6: VG603 .*\/tmp\/\\x1b\]0;owned\\x07\\x1b\[2J\\x9b31mx/);
      assert.match(stdout, /^e\\x1b\[31m\\x9b\.py:1:6: VG603/m);
      const review = vigil(['review', 'tmp.py'], dir).stdout;
      assert.doesNotMatch(review, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      const json = JSON.parse(vigil(['check', '--format', 'json', 'tmp.py'], dir).stdout);
      assert.match(json.findings[0].message, /\/tmp\/\x1b\]0;owned/, 'JSON keeps the exact text (JSON escapes it)');
    } finally {
      rmSync(named);
    }
  });

  test('readPythonSource never reports a file that exists as missing', () => {
    const result = readPythonSource(dir);
    assert.ok('error' in result);
    assert.equal(result.error, 'skipped: not a regular file (a directory)');
  });
});

describe('command line: no network', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-net-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'app.py'), VULNERABLE);
    writeFileSync(join(dir, 'src', 'client.py'), 'import requests\nrequests.get("https://example.com")\n');
    writeFileSync(join(dir, 'pyproject.toml'), '[tool.vigil]\nignore = ["VG602"]\n');
    // Records every attempt to open a socket or resolve a name, then lets the call fail.
    writeFileSync(
      join(dir, 'no-network.cjs'),
      `
const fs = require('node:fs');
const log = process.env.VIGIL_NETWORK_LOG;
fs.appendFileSync(log, 'preloaded\\n');
const record = (what) => function () {
  fs.appendFileSync(log, what + '\\n');
  throw new Error('network access during a test: ' + what);
};
const net = require('node:net');
net.Socket.prototype.connect = record('net.Socket.connect');
net.connect = net.createConnection = record('net.connect');
const tls = require('node:tls');
tls.connect = record('tls.connect');
const dgram = require('node:dgram');
dgram.createSocket = record('dgram.createSocket');
const dns = require('node:dns');
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) dns[name] = record('dns.' + name);
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) dns.promises[name] = record('dns.promises.' + name);
const http = require('node:http');
const https = require('node:https');
http.request = http.get = record('http.request');
https.request = https.get = record('https.request');
globalThis.fetch = record('fetch');
`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('check, review and rules open no socket', () => {
    const log = join(dir, 'network.log');
    const preload = ['--require', join(dir, 'no-network.cjs')];
    process.env.VIGIL_NETWORK_LOG = log;
    try {
      for (const args of [['check', 'src'], ['check', '--format', 'sarif', 'src'], ['review', 'src/app.py'], ['rules']]) {
        writeFileSync(log, '');
        const result = vigil(args, dir, preload);
        assert.ok(result.code === 0 || result.code === 1, `${args.join(' ')}: ${result.stderr}`);
        assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['preloaded'], `${args.join(' ')} used the network`);
      }
      // The trap itself works: a connection attempt is recorded.
      writeFileSync(log, '');
      spawnSync(process.execPath, [...preload, '-e', "try { require('node:net').connect(9, '127.0.0.1') } catch {}"], { timeout: 30_000 });
      assert.match(readFileSync(log, 'utf8'), /net\.connect/);
    } finally {
      delete process.env.VIGIL_NETWORK_LOG;
    }
  });
});
