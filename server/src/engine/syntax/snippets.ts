import type { SyntaxNode } from './syntaxNode';

/**
 * Code quoted in finding messages: the source text of a node on one line, shortened when long, so a message
 * reads "`subprocess.run()` runs a command built from `request.args["host"]`".
 */
export function codeSnippet(node: SyntaxNode, max = 40): string {
  return shorten(node.text, max);
}

/**
 * Text collapsed to one line and cut to `max` characters with an ellipsis. Only as much of the text is read as the
 * result shows: a prefix collapses to a prefix of the whole text's collapsed line, so once a prefix fills more than
 * `max` characters the rest cannot change the result (a node of a half-typed file can span the whole file).
 */
export function shorten(text: string, max = 40): string {
  for (let window = Math.max(64, 4 * max); ; window *= 4) {
    const whole = window >= text.length;
    const oneLine = (whole ? text : text.slice(0, window)).replace(/\s*\n\s*/g, ' ').trim();
    if (oneLine.length > max) return `${oneLine.slice(0, max - 1).trimEnd()}…`;
    if (whole) return oneLine;
  }
}

/** "`a`", "`a` and `b`", "`a`, `b` and 2 more": a short list of quoted code for a message. */
export function codeList(items: readonly string[], shown = 3): string {
  const unique = [...new Set(items)];
  const quoted = unique.slice(0, shown).map((item) => `\`${item}\``);
  const rest = unique.length - quoted.length;
  if (rest > 0) return `${quoted.join(', ')} and ${rest} more`;
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}
