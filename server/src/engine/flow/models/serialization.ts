import type { LibraryModel, SinkRow } from '../concepts';

/**
 * Formats that can run code while they load (https://docs.python.org/3/library/pickle.html, "Warning: the pickle
 * module is not secure"): the one table of them. The flow layer makes each a `deserialization` sink; VG201
 * (unsafe-deserialization) reads the rest of a row (which argument holds the data, and whether it is the data
 * itself or names a file) to judge calls whatever their data's origin.
 */
export interface Deserializer {
  readonly family: 'pickle' | 'marshal' | 'shelve' | 'jsonpickle' | 'numpy' | 'torch';
  /** Keyword names of the data argument (it is also the first positional argument). */
  readonly keywords: readonly string[];
  /** `bytes`: the argument is the data (so a constant is harmless); `file`: it names or holds a file. */
  readonly input: 'bytes' | 'file';
  /** Constructs an unpickler instead of loading: "over `f`" rather than "on `f`". */
  readonly isClass?: boolean;
  /** Only a sink when this keyword is set so (NumPy loads pickled object arrays only with `allow_pickle=True`). */
  readonly when?: SinkRow['when'];
}

const PICKLE_MODULES = ['pickle', 'cPickle', '_pickle', 'dill', 'cloudpickle'];

/** Qualified name → how it loads. */
export const DESERIALIZERS: ReadonlyMap<string, Deserializer> = new Map<string, Deserializer>([
  ...PICKLE_MODULES.flatMap((module): Array<[string, Deserializer]> => [
    [`${module}.load`, { family: 'pickle', keywords: ['file'], input: 'file' }],
    [`${module}.loads`, { family: 'pickle', keywords: ['data', 'str', 'string'], input: 'bytes' }],
    [`${module}.Unpickler`, { family: 'pickle', keywords: ['file'], input: 'file', isClass: true }],
  ]),
  ['shelve.open', { family: 'shelve', keywords: ['filename'], input: 'file' }],
  ['marshal.load', { family: 'marshal', keywords: ['file'], input: 'file' }],
  ['marshal.loads', { family: 'marshal', keywords: ['bytes'], input: 'bytes' }],
  ['jsonpickle.decode', { family: 'jsonpickle', keywords: ['string'], input: 'bytes' }],
  ['pandas.read_pickle', { family: 'pickle', keywords: ['filepath_or_buffer', 'path'], input: 'file' }],
  ['joblib.load', { family: 'pickle', keywords: ['filename'], input: 'file' }],
  ['sklearn.externals.joblib.load', { family: 'pickle', keywords: ['filename'], input: 'file' }],
  ['numpy.load', { family: 'numpy', keywords: ['file'], input: 'file', when: { keyword: 'allow_pickle', matches: /^True$/ } }],
  ['torch.load', { family: 'torch', keywords: ['f'], input: 'file' }],
]);

/** Serializers whose output, fed straight back, is the program's own object (`pickle.loads(pickle.dumps(x))`). */
export const SERIALIZERS: ReadonlySet<string> = new Set([
  ...PICKLE_MODULES.map((module) => `${module}.dumps`),
  'marshal.dumps',
  'jsonpickle.encode',
]);

export const serialization: LibraryModel = {
  name: 'Serialization formats that run code',
  sinks: [
    ...[...DESERIALIZERS].map(([callee, loader]): SinkRow => ({
      callee,
      concept: 'deserialization',
      args: [0, ...loader.keywords],
      ...(loader.when ? { when: loader.when } : {}),
      label: `\`${callee}${loader.isClass ? '' : '()'}\` can run code while it decodes`,
    })),
    // PyYAML's loaders that build arbitrary objects (https://pyyaml.org/wiki/PyYAMLDocumentation); VG202 judges them.
    ...['yaml.unsafe_load', 'yaml.full_load'].map((callee): SinkRow => ({
      callee, concept: 'deserialization', args: [0, 'stream'], label: `\`${callee}()\` can build arbitrary objects`,
    })),
    { callee: 'yaml.load', concept: 'deserialization', args: [0, 'stream'], when: { keyword: 'Loader', matches: /\b(Unsafe|Full)?Loader\b|UnsafeLoader|FullLoader/ }, label: '`yaml.load()` can build arbitrary objects' },
  ],
};
