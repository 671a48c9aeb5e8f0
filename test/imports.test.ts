import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { referenceModule } from '../server/src/engine/rules/support/imports';
import { SemanticModel } from '../server/src/engine/semantic/model';
import { loadParser } from './support/engine';

async function plan(source: string, module: string) {
  const parser = await loadParser();
  const model = new SemanticModel(parser.parseOnce(source).root);
  const { reference, edits } = referenceModule(model, module);
  let text = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  return { reference, text };
}

describe('import insertion for fixes', () => {
  test('reuses an existing import, under its alias', async () => {
    assert.deepEqual(await plan('import secrets\nx = 1\n', 'secrets'), { reference: 'secrets', text: 'import secrets\nx = 1\n' });
    assert.equal((await plan('import hmac as h\n', 'hmac')).reference, 'h');
    assert.equal((await plan('from defusedxml import ElementTree\n', 'defusedxml.ElementTree')).reference, 'ElementTree');
  });

  test('adds the import once, after the last top-level import', async () => {
    const { reference, text } = await plan('"""Doc."""\nimport os\nfrom x import y\n\ndef f():\n    pass\n', 'secrets');
    assert.equal(reference, 'secrets');
    assert.equal(text, '"""Doc."""\nimport os\nfrom x import y\nimport secrets\n\ndef f():\n    pass\n');
  });

  test('after the docstring, a shebang, or at the very top', async () => {
    assert.equal((await plan('"""Doc."""\nx = 1\n', 'ast')).text, '"""Doc."""\nimport ast\nx = 1\n');
    assert.equal((await plan('#!/usr/bin/env python\nx = 1\n', 'ast')).text, '#!/usr/bin/env python\nimport ast\nx = 1\n');
    assert.equal((await plan('x = 1\n', 'ast')).text, 'import ast\nx = 1\n');
    assert.equal((await plan('import os', 'ast')).text, 'import os\nimport ast\n');
  });

  test('dotted modules get a short alias that does not clash', async () => {
    const dotted = await plan('import os\n', 'defusedxml.ElementTree');
    assert.deepEqual(dotted, { reference: 'ElementTree', text: 'import os\nimport defusedxml.ElementTree as ElementTree\n' });
    const clash = await plan('secrets = {}\n', 'secrets');
    assert.equal(clash.reference, 'secrets_module');
    assert.equal(clash.text, 'import secrets as secrets_module\nsecrets = {}\n');
  });
});
