import {
  CONCEPTS,
  PROJECT_TAINT_KINDS,
  type ArgumentSpec,
  type Concept,
  type LibraryModel,
  type SanitizerRow,
  type SinkRow,
  type SourceRow,
} from './concepts';
import { LIBRARY_MODELS } from './models';
import { Knowledge } from './knowledge';

/**
 * A project's own sources, sinks and sanitizers, from `[tool.vigil]` (or `vigil.toml`):
 *
 * ```toml
 * extend-sources = [
 *   { call = "myapp.http.param", kind = "remote" },                        # what the call returns
 *   { object = "myapp.http.Request", members = ["args", "body"], kind = "remote" },
 *   { value = "myapp.settings.USER_SCRIPT", kind = "local" },
 * ]
 * extend-sinks = [
 *   { call = "myapp.db.raw", concept = "sql", args = [0, "query"] },       # positions and keywords
 *   { method = "run_sql", concept = "sql", args = [0] },                   # a method of any object
 * ]
 * extend-sanitizers = [
 *   { call = "myapp.security.safe_path", concepts = ["path"] },            # or concepts = "all"
 * ]
 * ```
 *
 * Names are qualified as Vigil resolves them through imports (`myapp.db.raw` for `from myapp.db import raw`).
 * `kind` is `remote` (an HTTP request), `local` (arguments, environment) or `stored` (a database or file); concepts
 * are the flow layer's (`sql`, `command`, `code`, `path`, `url`, `redirect`, `html`, `template`, `deserialization`,
 * `xml`, `log`, `ldap`, `xpath`, `regex`, `header`, `nosql`).
 */
export const PROJECT_KNOWLEDGE_KEYS = ['extend-sources', 'extend-sinks', 'extend-sanitizers'] as const;

export interface ProjectModel {
  /** Null when the configuration adds nothing. */
  readonly model: LibraryModel | null;
  /** One sentence per entry that could not be used (it is left out; the others apply). */
  readonly problems: string[];
}

/** Reads the `extend-*` keys of a configuration table (already parsed from TOML). Never throws. */
export function projectModel(table: Readonly<Record<string, unknown>>): ProjectModel {
  const problems: string[] = [];
  const sources: SourceRow[] = [];
  const sinks: SinkRow[] = [];
  const sanitizers: SanitizerRow[] = [];

  for (const [index, entry] of entries(table, 'extend-sources', problems)) {
    const where = `extend-sources[${index}]`;
    const kind = entry.kind ?? 'remote';
    if (!isOneOf(kind, PROJECT_TAINT_KINDS)) {
      problems.push(`${where}: \`kind\` must be one of ${PROJECT_TAINT_KINDS.map((k) => `"${k}"`).join(', ')}`);
      continue;
    }
    if (typeof entry.call === 'string') sources.push({ call: entry.call, kind, label: `\`${entry.call}()\` (a source in the project configuration)` });
    else if (typeof entry.value === 'string') sources.push({ value: entry.value, kind, label: `\`${entry.value}\` (a source in the project configuration)` });
    else if (typeof entry.object === 'string') {
      const members = entry.members === undefined || entry.members === '*' ? '*' : stringList(entry.members);
      if (members === null) {
        problems.push(`${where}: \`members\` must be a list of names or "*"`);
        continue;
      }
      sources.push({ object: entry.object, members, kind, label: `\`${entry.object}\` data (a source in the project configuration)` });
    } else {
      problems.push(`${where}: needs \`call\`, \`value\` or \`object\` (a qualified name)`);
    }
  }

  for (const [index, entry] of entries(table, 'extend-sinks', problems)) {
    const where = `extend-sinks[${index}]`;
    const concept = entry.concept;
    if (!isOneOf(concept, CONCEPTS)) {
      problems.push(`${where}: \`concept\` must be one of ${CONCEPTS.join(', ')}`);
      continue;
    }
    const args = argumentList(entry.args ?? [0]);
    if (!args) {
      problems.push(`${where}: \`args\` must be a list of argument positions (0, 1, …) and keyword names`);
      continue;
    }
    const target = callTarget(entry);
    if (!target) {
      problems.push(`${where}: needs \`call\` (a qualified name) or \`method\` (a method name)`);
      continue;
    }
    sinks.push({ ...target, concept, args, label: `\`${(target.callee ?? target.method)!.split('.').pop()}()\` (a ${concept} sink in the project configuration) uses it` });
  }

  for (const [index, entry] of entries(table, 'extend-sanitizers', problems)) {
    const where = `extend-sanitizers[${index}]`;
    const concepts = entry.concepts === 'all' ? 'all' : stringList(entry.concepts ?? 'all');
    if (concepts === null || (concepts !== 'all' && !concepts.every((concept) => isOneOf(concept, CONCEPTS)))) {
      problems.push(`${where}: \`concepts\` must be "all" or a list of ${CONCEPTS.join(', ')}`);
      continue;
    }
    const target = callTarget(entry);
    if (!target) {
      problems.push(`${where}: needs \`call\` (a qualified name) or \`method\` (a method name)`);
      continue;
    }
    sanitizers.push({ ...target, concepts: concepts as readonly Concept[] | 'all' });
  }

  const empty = sources.length + sinks.length + sanitizers.length === 0;
  return { model: empty ? null : { name: 'project configuration', sources, sinks, sanitizers }, problems };
}

const indexes = new WeakMap<LibraryModel, Knowledge>();

/** Vigil's own models plus a project's, indexed once per project model. */
export function knowledgeWith(project: LibraryModel): Knowledge {
  let knowledge = indexes.get(project);
  if (!knowledge) indexes.set(project, (knowledge = new Knowledge([...LIBRARY_MODELS, project])));
  return knowledge;
}

function entries(table: Readonly<Record<string, unknown>>, key: string, problems: string[]): Array<[number, Record<string, unknown>]> {
  const value = table[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push(`${key} must be a list of inline tables`);
    return [];
  }
  const found: Array<[number, Record<string, unknown>]> = [];
  value.forEach((entry, index) => {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) found.push([index, entry as Record<string, unknown>]);
    else problems.push(`${key}[${index}] must be an inline table ({ call = "…", … })`);
  });
  return found;
}

function callTarget(entry: Record<string, unknown>): { callee: string; method?: undefined } | { method: string; callee?: undefined } | null {
  if (typeof entry.call === 'string' && entry.call !== '') return { callee: entry.call };
  if (typeof entry.method === 'string' && entry.method !== '') return { method: entry.method };
  return null;
}

function argumentList(value: unknown): ArgumentSpec[] | null {
  if (!Array.isArray(value)) return null;
  const args: ArgumentSpec[] = [];
  for (const item of value) {
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0) args.push(item);
    else if (typeof item === 'string' && item !== '') args.push(item);
    else return null;
  }
  return args;
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null;
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}
