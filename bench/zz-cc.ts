import { readFileSync } from 'node:fs';
import { analyzeText } from '../server/src/engine';
import { loadParser } from '../test/support/engine';
(async () => {
  const parser = await loadParser();
  const text = readFileSync('/tmp/p8/cc20000.py', 'utf8');
  const t = performance.now();
  const r = analyzeText(parser, text, {}, { budget: { fileMs: 1e9, ruleMs: 1e9 } });
  console.log(r.findings.length, performance.now() - t);
})();
