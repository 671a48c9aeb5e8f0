import { detachedText } from '../../syntax/syntaxNode';

/**
 * `read` answered once per distinct name: for pure functions of an identifier's text that rules ask about every
 * identifier, on every keystroke (`secretName`). Answers are shared, so they must not be changed. At most `limit`
 * names are kept; past that the memo starts over, so a long session holds no more than one file's worth of names.
 * A name is kept (and read) as a string of its own: a name cut from a document would keep the whole document alive.
 */
export function memoByName<T>(read: (name: string) => T, limit = 8192): (name: string) => T {
  let known = new Map<string, T>();
  return (name) => {
    let answer = known.get(name);
    if (answer === undefined && !known.has(name)) {
      const own = detachedText(name);
      answer = read(own);
      if (known.size >= limit) known = new Map();
      known.set(own, answer);
    }
    return answer as T;
  };
}
