import type { RuleMeta } from '../rules/rule';

/**
 * Rule documentation, generated from each rule's metadata: the pages in docs/rules/, the hover text and the
 * report's explanations all come from here, so they cannot drift apart.
 */

export function cweUrl(cwe: number): string {
  return `https://cwe.mitre.org/data/definitions/${cwe}.html`;
}

export function cweLinks(cwes: readonly number[]): string {
  return cwes.map((cwe) => `[CWE-${cwe}](${cweUrl(cwe)})`).join(', ');
}

export function ruleDocFileName(meta: Pick<RuleMeta, 'id' | 'name'>): string {
  return `${meta.id}-${meta.name}.md`;
}

/** The page headings, in their fixed order; a test checks every page has the required ones. */
export const DOC_HEADINGS = [
  'What it does',
  'Why is this bad?',
  'Example',
  'Use instead',
  'References',
  'Known problems',
  'Fix safety',
] as const;

/** What a rule's `inTests` means, on its page (test files are the project's `test-paths`). */
const IN_TESTS: Record<NonNullable<RuleMeta['inTests']>, string> = {
  skip: 'not reported (`test-paths` in the project configuration)',
  note: 'reported as an `info` note (`test-paths` in the project configuration)',
};

function codeBlock(code: string): string {
  return '```python\n' + code.trimEnd() + '\n```';
}

function equivalents(meta: RuleMeta): string {
  const parts = [
    meta.bandit.length > 0 ? `Bandit ${meta.bandit.join(', ')}` : '',
    meta.ruff.length > 0 ? `Ruff ${meta.ruff.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'none';
}

export function ruleDocMarkdown(meta: RuleMeta): string {
  const { docs } = meta;
  const lines = [
    `# ${meta.id} ${meta.name}: ${meta.title}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Severity | ${meta.severity} |`,
    `| Confidence | ${meta.confidence} |`,
    `| CWE | ${cweLinks(meta.cwe)} |`,
    `| Equivalents | ${equivalents(meta)} |`,
    `| Status | ${meta.status}, since ${meta.since} |`,
    `| Fix | ${meta.fixable ? 'available (see Fix safety)' : 'none: the fix needs a decision only a person can make'} |`,
    ...(meta.inTests ? [`| In test files | ${IN_TESTS[meta.inTests]} |`] : []),
    ...(meta.optIn ? [`| Enabled | off by default (opt-in): reported only when \`select\` names it — its ID, a prefix such as \`${meta.id.slice(0, 3)}\`, its name, one of its codes, or \`ALL\` |`] : []),
    '',
    `## What it does`,
    '',
    docs.whatItDoes,
    '',
    `## Why is this bad?`,
    '',
    docs.whyIsThisBad,
    '',
    `## Example`,
    '',
    codeBlock(docs.example),
    '',
    `## Use instead`,
    '',
    codeBlock(docs.useInstead),
    '',
    `## References`,
    '',
    ...docs.references.map((reference) => `- <${reference}>`),
  ];
  if (docs.knownProblems) lines.push('', '## Known problems', '', docs.knownProblems);
  if (docs.fixSafety) lines.push('', '## Fix safety', '', docs.fixSafety);
  lines.push(
    '',
    '## Suppression',
    '',
    `\`# vigil: ignore[${meta.id}]\` on the line${meta.bandit.length > 0 ? `, or \`# nosec ${meta.bandit[0]}\`` : ''}${
      meta.ruff.length > 0 ? `, or \`# noqa: ${meta.ruff[0]}\`` : ''
    }; \`# vigil: ignore-file[${meta.id}]\` anywhere for the whole file.`,
    '',
  );
  return lines.join('\n');
}
