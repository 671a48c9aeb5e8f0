import type { LibraryModel, SourceRow } from '../concepts';

/**
 * Pseudo-random generators: what they return is guessable (the `random` kind), which matters to secrets and to
 * nothing else. The `random` module's functions and the methods of `random.Random` instances (a Mersenne Twister:
 * 624 outputs give away its state). `random.SystemRandom` and `secrets` read the operating system's CSPRNG and are
 * not sources. https://docs.python.org/3/library/random.html
 */

const LABEL = 'pseudo-random value';
/** Functions that return a value drawn from the generator: numbers, bytes, picks from a population. */
const DRAWS = ['random', 'randint', 'randrange', 'getrandbits', 'uniform', 'randbytes', 'choice', 'choices', 'sample'];

export const randomness: LibraryModel = {
  name: 'Pseudo-random generators',
  sources: [
    ...DRAWS.map((fn): SourceRow => ({ call: `random.${fn}`, kind: 'random', label: LABEL })),
    { object: 'random.Random', members: DRAWS, kind: 'random', label: LABEL },
    // `random.shuffle(xs)` returns nothing: the list it shuffles is the guessable value.
    { call: 'random.shuffle', kind: 'random', label: 'shuffled pseudo-randomly', inPlace: 0 },
    { object: 'random.Random', members: ['shuffle'], kind: 'random', label: 'shuffled pseudo-randomly', inPlace: 0 },
  ],
  summaries: [{ callee: 'random.Random', from: [], returns: 'random.Random' }],
};
