import { defineRule, type Report } from '../rule';
import { kindBit } from '../../flow/concepts';
import { evidenceAt, withFlow } from '../flowRule';
import { SHIPPED_FILE_NOTE, isShippedFile } from '../support/shippedFiles';
import { callArguments } from '../../syntax/python';
import type { SyntaxNode } from '../../syntax/syntaxNode';

/** Loaders that build only plain Python data (no arbitrary objects). */
const SAFE_LOADERS = new Set(['SafeLoader', 'CSafeLoader', 'BaseLoader', 'CBaseLoader']);
const UNSAFE_FUNCTIONS = new Set(['yaml.unsafe_load', 'yaml.unsafe_load_all']);
const LOADER_FUNCTIONS = new Set(['yaml.load', 'yaml.load_all']);

export default defineRule({
  meta: {
    id: 'VG202',
    name: 'yaml-unsafe-load',
    title: 'YAML loaded with an unsafe loader',
    cwe: [502, 20],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B506'],
    ruff: ['S506'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags `yaml.load`/`yaml.load_all` without a safe `Loader`, and `yaml.unsafe_load`, which can construct arbitrary Python objects from the document.',
      whyIsThisBad:
        'PyYAML\'s full and unsafe loaders honour tags such as `!!python/object/apply:os.system`, so a YAML document can run code while it is parsed. Anyone who can influence the document (an upload, a config field stored in a database, a message) gets code execution in your process.',
      example: 'import yaml\n\nconfig = yaml.load(request_body, Loader=yaml.Loader)',
      useInstead: 'import yaml\n\nconfig = yaml.safe_load(request_body)',
      references: [
        'https://cwe.mitre.org/data/definitions/502.html',
        'https://pyyaml.org/wiki/PyYAMLDocumentation',
        'https://github.com/yaml/pyyaml/wiki/PyYAML-yaml.load(input)-Deprecation',
      ],
      knownProblems:
        '`Loader=yaml.FullLoader` is not flagged: since PyYAML 5.4 it no longer constructs arbitrary objects. A `Loader` given through a variable or attribute Vigil cannot resolve is not flagged. `from yaml import load; load(x)` is flagged but has no automatic fix.',
      fixSafety:
        'Replacing `yaml.load(x, Loader=...)` with `yaml.safe_load(x)` is safe for documents made of plain data; documents that rely on Python-specific tags will now fail to load, which is the point.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    /** Request data or program input loaded so: high (program input one lower), with its path (issue 10). */
    const report = (call: SyntaxNode, stream: SyntaxNode | undefined, found: Report): void => {
      const taint = stream ? context.flow.taintOf(stream) : null;
      const evidence = taint && taint.kinds & (kindBit('remote') | kindBit('local')) ? evidenceAt(taint, call, stream!, 'it is loaded as YAML here') : undefined;
      context.report(withFlow(found, evidence, 'high', context.meta));
    };
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        if (UNSAFE_FUNCTIONS.has(callee)) {
          const args = callArguments(call);
          report(call, args.positional[0] ?? args.keywords.get('stream'), { at: call, message: `\`${callee}()\` constructs arbitrary Python objects from the document` });
          return;
        }
        if (!LOADER_FUNCTIONS.has(callee)) return;
        const args = callArguments(call);
        const loader = args.keywords.get('Loader') ?? args.positional[1];
        if (!loader && args.hasUnpacking) return;
        if (loader) {
          const loaderName = model.qualifiedName(loader);
          if (loaderName === null || SAFE_LOADERS.has(loaderName.split('.').pop()!)) return;
          if (/FullLoader$/.test(loaderName)) return;
        }
        const safeName = callee === 'yaml.load' ? 'safe_load' : 'safe_load_all';
        const fn = call.child('function')!;
        const method = fn.type === 'attribute' ? fn.child('attribute') : null;
        const edits = [];
        if (method) edits.push({ start: method.start, end: method.end, newText: safeName });
        const loaderArgument = args.keywordNodes.get('Loader') ?? (args.positional[1] ? args.positional[1] : undefined);
        if (loaderArgument) {
          // Remove `, Loader=...` together with the comma before it.
          const previous = args.positional[0];
          if (previous) edits.push({ start: previous.end, end: loaderArgument.end, newText: '' });
        }
        // A file the program ships (a constant path): not attacker input, a note (issue 6).
        const stream = args.positional[0] ?? args.keywords.get('stream');
        const shipped = !!stream && isShippedFile(model, stream);
        const said = loader
          ? `\`${callee}()\` with \`${loader.text}\` can construct arbitrary Python objects from the document`
          : `\`${callee}()\` without a safe \`Loader\` can construct arbitrary Python objects from the document`;
        report(call, stream, {
          at: call,
          message: shipped ? `${said}; ${SHIPPED_FILE_NOTE}` : said,
          ...(shipped ? { severity: 'info' as const, confidence: 'medium' as const } : {}),
          ...(method && args.positional[0]
            ? { fix: { title: `Use \`yaml.${safeName}\``, safety: 'safe' as const, edits } }
            : {}),
        });
      },
    };
  },
});
