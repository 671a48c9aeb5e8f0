// The .vsix that `npm run package` made (run.mjs builds it before the tests): bundled, small, and holding
// exactly what a user needs.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { VSIX } from './run-paths.mjs';
import { readZipEntry, zipEntries } from './zip.mjs';

test('npm run package makes a bundled .vsix of at most 5 MB with only what users need', () => {
  const size = statSync(VSIX).size;
  assert.ok(size <= 5 * 1024 * 1024, `the .vsix is ${size} bytes`);
  const names = zipEntries(VSIX);

  for (const required of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/dist/client.js',
    'extension/dist/server.js',
    'extension/dist/cli.js',
    'extension/dist/web-tree-sitter.wasm',
    'extension/dist/tree-sitter-python.wasm',
    'extension/dist/package.json',
    'extension/images/icon.png',
    'extension/readme.md', // vsce writes README.md and CHANGELOG.md in lower case
    'extension/changelog.md',
    'extension/docs/rules/VG202-yaml-unsafe-load.md',
  ]) {
    assert.ok(names.includes(required), `${required} is missing from the .vsix`);
  }
  assert.ok(names.some((name) => /^extension\/LICENSE(\.txt|\.md)?$/.test(name)), 'LICENSE is missing from the .vsix');

  const allowed = [
    /^\[Content_Types\]\.xml$/,
    /^extension\.vsixmanifest$/,
    /^extension\/package\.json$/,
    /^extension\/(readme|changelog)\.md$/,
    /^extension\/LICENSE(\.txt|\.md)?$/,
    /^extension\/images\/icon\.png$/,
    /^extension\/dist\/[^/]+\.(js|wasm)$/,
    /^extension\/dist\/package\.json$/,
    /^extension\/docs\//,
    /^extension\/syntaxes\//,
  ];
  const unexpected = names.filter((name) => !allowed.some((pattern) => pattern.test(name)));
  assert.deepEqual(unexpected, [], 'files that should not ship');
  assert.ok(!names.some((name) => name.includes('node_modules/')), 'node_modules inside the .vsix');
  assert.ok(!names.some((name) => name.endsWith('.map')), 'source maps inside the .vsix');

  const manifest = JSON.parse(readZipEntry(VSIX, 'extension/package.json').toString('utf8'));
  assert.equal(manifest.icon, 'images/icon.png');
  assert.equal(manifest.main, './dist/client.js');
  const png = readZipEntry(VSIX, 'extension/images/icon.png');
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'the icon is 128×128');
});
