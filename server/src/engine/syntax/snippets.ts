import type { SyntaxNode } from './syntaxNode';

/**
 * Code quoted in finding messages: the source text of a node on one line, shortened when long, so a message
 * reads "`subprocess.run()` runs a command built from `request.args["host"]`".
 */
export function codeSnippet(node: SyntaxNode, max = 40): string {
  return shorten(node.text, max);
}

/** Text collapsed to one line and cut to `max` characters with an ellipsis. */
export function shorten(text: string, max = 40): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`;
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
