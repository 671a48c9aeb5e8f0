// markdown-it configured like VS Code's Markdown preview (raw HTML and linkify on): the strictest renderer a
// report or hover that quotes code can meet. Shared by the report and hover escaping tests.

export interface Token {
  type: string;
  tag: string;
  content: string;
  info: string;
  attrs: [string, string][] | null;
  children: Token[] | null;
}

export interface MarkdownIt {
  parse(source: string, env: object): Token[];
  render(source: string): string;
}

/** markdown-it as VS Code's Markdown preview configures it, or null when it is not installed. */
function previewMarkdown(): MarkdownIt | null {
  try {
    const MarkdownItClass = require('markdown-it') as new (options: object) => MarkdownIt;
    return new MarkdownItClass({ html: true, linkify: true, breaks: false, typographer: false });
  } catch {
    return null;
  }
}

export const markdownIt = previewMarkdown();
/** A `skip` reason for tests that need markdown-it, or false. */
export const NO_MARKDOWN_IT = markdownIt === null && 'markdown-it is not installed';

/** Every token, inline children included, in document order. */
export function allTokens(tokens: readonly Token[]): Token[] {
  return tokens.flatMap((token) => [token, ...allTokens(token.children ?? [])]);
}
