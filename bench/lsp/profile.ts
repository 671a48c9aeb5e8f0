import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by kind: garbage collector, tree-sitter (WASM), Vigil's own code by source folder, Node, idle. */
  readonly byKind: Array<{ kind: string; ms: number }>;
  /** Vigil's own code: self time per original source file. */
  readonly byFile: Array<{ file: string; ms: number }>;
  readonly topSelf: Array<{ fn: string; ms: number }>;
  readonly topInclusive: Array<{ fn: string; ms: number }>;
}

/**
 * Summarises a V8 .cpuprofile of a dist/ bundle, mapping the minified bundle back to the TypeScript sources with
 * the bundle's source map: self time per kind and per source file, and the functions with the most self and
 * inclusive time, named as in the sources (`copyTree (engine/syntax/syntaxNode.ts:120)`).
 */
export function summarizeProfile(profilePath: string, bundlePath: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const mapJson = JSON.parse(readFileSync(`${bundlePath}.map`, 'utf8')) as { sources: string[]; sourcesContent?: string[] };
  const map = new SourceMap(mapJson as never);
  const sourceLines = new Map<string, string[]>();
  mapJson.sources.forEach((source, i) => {
    const content = mapJson.sourcesContent?.[i];
    if (content) sourceLines.set(source, content.split('\n'));
  });
  const bundleUrl = `file://${bundlePath}`;

  const names = new Map<number, { fn: string; kind: string; file?: string }>();
  const describe = (node: ProfileNode): { fn: string; kind: string; file?: string } => {
    const cached = names.get(node.id);
    if (cached) return cached;
    const frame = node.callFrame;
    let result: { fn: string; kind: string; file?: string };
    if (frame.functionName === '(garbage collector)') result = { fn: '(garbage collector)', kind: 'garbage collector' };
    else if (frame.functionName === '(idle)' || frame.functionName === '(program)' || frame.functionName === '(root)') result = { fn: frame.functionName, kind: frame.functionName };
    else if (frame.url.startsWith('wasm://') || frame.functionName.startsWith('wasm-function')) result = { fn: 'tree-sitter (WASM)', kind: 'tree-sitter (WASM)' };
    else if (frame.url === bundleUrl) {
      const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      const source = entry.originalSource ?? '?';
      const file = source.replace(/^(\.\.\/)+/, '').replace(/^node_modules\//, 'node_modules/');
      const line = sourceLines.get(source)?.[entry.originalLine ?? -1] ?? '';
      const at = line.slice(entry.originalColumn ?? 0);
      const named =
        /^(?:async\s+)?function\s*\*?\s*([\w$]+)/.exec(at)?.[1] ??
        /^(?:static\s+|async\s+|get\s+|set\s+|\*\s*)*([\w$#]+)\s*[(<]/.exec(at)?.[1] ??
        /^([\w$.]+)\s*[:=]\s*(?:async\s*)?(?:function|\()/.exec(at)?.[1] ??
        /(?:const|let|var)\s+([\w$]+)\s*=\s*[^=]*$/.exec(line.slice(0, entry.originalColumn ?? 0))?.[1] ??
        (frame.functionName ? `${frame.functionName}?` : '(anonymous)');
      const short = file.replace(/^server\/src\//, '');
      const kind = file.startsWith('node_modules/')
        ? `library: ${file.split('/').slice(1, file.startsWith('node_modules/@') ? 3 : 2).join('/')}`
        : `vigil: ${short.split('/').slice(0, short.startsWith('engine/') ? 2 : 1).join('/')}`;
      result = { fn: `${named} (${short}:${(entry.originalLine ?? 0) + 1})`, kind, file: short };
    } else result = { fn: `${frame.functionName || '(anonymous)'} (${frame.url.split('/').pop()})`, kind: 'node / other' };
    names.set(node.id, result);
    return result;
  };

  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));

  const add = (m: Map<string, number>, key: string, value: number) => m.set(key, (m.get(key) ?? 0) + value);
  const byKind = new Map<string, number>();
  const byFile = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const ms = us / 1000;
    total += ms;
    const d = describe(node);
    add(byKind, d.kind, ms);
    if (d.file) add(byFile, d.file, ms);
    add(self, d.fn, ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const fn = describe(byId.get(id)!).fn;
      if (seen.has(fn)) continue;
      seen.add(fn);
      add(inclusive, fn, ms);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total,
    byKind: sorted(byKind).map(([kind, ms]) => ({ kind, ms })),
    byFile: sorted(byFile).slice(0, top).map(([file, ms]) => ({ file, ms })),
    topSelf: sorted(self)
      .filter(([fn]) => fn !== '(idle)' && fn !== '(program)')
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms })),
    topInclusive: sorted(inclusive)
      .filter(([fn]) => !fn.startsWith('(root)') && !fn.startsWith('(program)') && !fn.startsWith('(idle)'))
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms })),
  };
}
