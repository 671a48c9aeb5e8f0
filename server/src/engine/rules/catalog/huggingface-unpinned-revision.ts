import { defineRule } from '../rule';
import type { Confidence } from '../../findings';
import { callArguments } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { codeSnippet } from '../support/snippets';

/** Packages whose `X.from_pretrained(name)` downloads from the Hugging Face Hub. */
const HUB_PACKAGES = /^(?:transformers|diffusers|peft|sentence_transformers|optimum|accelerate|timm|tokenizers)\./;
/** Hub download functions, with the position of the repository ID. */
const DOWNLOADS: ReadonlyMap<string, number> = new Map([
  ['huggingface_hub.hf_hub_download', 0],
  ['huggingface_hub.snapshot_download', 0],
  ['huggingface_hub.file_download.hf_hub_download', 0],
  ['huggingface_hub._snapshot_download.snapshot_download', 0],
  ['datasets.load_dataset', 0],
]);
/** `datasets` builders that read local files, not Hub repositories. */
const DATASET_BUILDERS: ReadonlySet<string> = new Set(['csv', 'json', 'parquet', 'text', 'arrow', 'pandas', 'imagefolder', 'audiofolder', 'videofolder', 'webdataset', 'sql', 'generator', 'xml']);
/** A commit hash: what a pinned revision looks like (a branch or tag can move). */
const COMMIT = /^[0-9a-f]{7,40}$/i;
/** A local directory rather than a Hub repository ID. */
const LOCAL_PATH = /^(?:\/|\.{1,2}(?:\/|\\|$)|~|[A-Za-z]:[\\/])/;

export default defineRule({
  meta: {
    id: 'VG205',
    name: 'huggingface-unpinned-revision',
    title: 'Hugging Face model or dataset downloaded without a pinned revision',
    cwe: [494],
    severity: 'low',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B615'],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags downloads from the Hugging Face Hub that do not pin a commit: `from_pretrained(name)` of `transformers`, `diffusers`, `peft`, `sentence_transformers` and similar classes, `huggingface_hub.hf_hub_download`, `snapshot_download` and `datasets.load_dataset`, without `revision=`, or with a branch or tag (`revision="main"`) rather than a commit hash.',
      whyIsThisBad:
        'Without a pinned revision, every run downloads whatever the repository\'s `main` branch holds at that moment. Whoever controls the repository, or takes over its account, can replace the weights, the tokenizer or the configuration; model files in pickle format and `trust_remote_code=True` run code when they load, and even safe formats can be swapped for a backdoored model. Pinning a commit hash makes the download reproducible and reviewable.',
      example:
        'from transformers import AutoModelForCausalLM, AutoTokenizer\n\ntokenizer = AutoTokenizer.from_pretrained("acme/chat-model")\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-model", revision="main")',
      useInstead:
        'from transformers import AutoModelForCausalLM, AutoTokenizer\n\nREVISION = "5f3c1a2e9b7d4c6a8e0f1b2d3c4e5f6a7b8c9d0e"  # reviewed commit\ntokenizer = AutoTokenizer.from_pretrained("acme/chat-model", revision=REVISION)\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-model", revision=REVISION)',
      references: [
        'https://cwe.mitre.org/data/definitions/494.html',
        'https://huggingface.co/docs/transformers/main_classes/model#transformers.PreTrainedModel.from_pretrained',
        'https://huggingface.co/docs/huggingface_hub/guides/download',
        'https://bandit.readthedocs.io/en/latest/plugins/b615_huggingface_unsafe_download.html',
      ],
      knownProblems:
        'Models loaded from a local directory are not reported when the path is a constant that looks like one (`./model`, `/models/x`, `~/x`) or `local_files_only=True` is passed; a path held in a variable is reported with low confidence, since Vigil cannot tell a directory from a repository ID. A branch or tag (`revision="v1.0"`) is reported with low confidence: tags rarely move, but they can. A revision from a variable is not reported. Classes from other packages that download from the Hub (`SentenceTransformer("name")`, `pipeline(model=...)`, `timm.create_model`) are not covered. Ruff has no equivalent code.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        let position: number;
        if (callee.endsWith('.from_pretrained') && HUB_PACKAGES.test(callee)) position = 0;
        else if (DOWNLOADS.has(callee)) position = DOWNLOADS.get(callee)!;
        else return;
        const args = callArguments(call);
        const local = args.keywords.get('local_files_only');
        if (local && constantTruthiness(model, local) === true) return;
        const repo = args.positional[position] ?? args.keywords.get('pretrained_model_name_or_path') ?? args.keywords.get('repo_id') ?? args.keywords.get('path');
        if (!repo) return;
        const repoText = model.constantText(repo);
        if (repoText !== null && LOCAL_PATH.test(repoText)) return;
        if (callee === 'datasets.load_dataset' && repoText !== null && DATASET_BUILDERS.has(repoText)) return;
        let confidence: Confidence = repoText === null ? 'low' : 'high';
        const revision = args.keywords.get('revision');
        const fn = call.child('function')!;
        const what = repoText !== null ? `\`${repoText}\` from the Hugging Face Hub` : `\`${codeSnippet(repo)}\` (from the Hugging Face Hub, unless it is a local directory)`;
        const thing = callee === 'datasets.load_dataset' ? 'data' : 'model';
        let problem: string;
        if (!revision) {
          if (args.hasUnpacking) return;
          problem = 'without `revision=`, so it downloads whatever the repository\'s default branch holds at run time';
        } else {
          const value = model.constantText(revision);
          if (value === null || COMMIT.test(value)) return;
          if (value !== 'main' && value !== 'master') confidence = 'low';
          problem = `with \`revision="${value}"\`, a branch or tag that can be moved to other files`;
        }
        context.report({
          at: call,
          message: `\`${codeSnippet(fn)}()\` loads ${what} ${problem}: whoever controls the repository can change the ${thing} you use; pin a commit hash`,
          confidence,
        });
      },
    };
  },
});
