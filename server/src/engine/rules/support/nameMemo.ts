/**
 * `read` answered once per distinct name: for pure functions of an identifier's text that rules ask about every
 * identifier, on every keystroke (`secretName`). Answers are shared, so they must not be changed. At most `limit`
 * names are kept; past that the memo starts over, so a long session holds no more than one file's worth of names.
 */
export function memoByName<T>(read: (name: string) => T, limit = 8192): (name: string) => T {
  let known = new Map<string, T>();
  return (name) => {
    let answer = known.get(name);
    if (answer === undefined && !known.has(name)) {
      answer = read(name);
      if (known.size >= limit) known = new Map();
      known.set(name, answer);
    }
    return answer as T;
  };
}
