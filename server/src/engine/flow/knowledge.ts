import {
  conceptMask,
  type ArgumentSpec,
  type GuardRow,
  type HandlerRow,
  type LibraryModel,
  type RequestParameterRow,
  type SinkRow,
  type SourceRow,
  type SummaryRow,
  type TaintKind,
} from './concepts';
import { LIBRARY_MODELS } from './models';

export interface SourceMatch {
  readonly kind: TaintKind;
  readonly label: string;
  /** The argument a call changes in place, which is the source after the call (`random.shuffle(xs)`). */
  readonly inPlace?: number;
}

export interface IndexedGuard {
  readonly args: readonly ArgumentSpec[];
  readonly mask: number;
}

/**
 * Every model row, indexed for the flow layer's questions ("is this call a sink?", "what type does this call
 * return?"). Built once per set of models; lookups are by canonical qualified name or by method name.
 */
export class Knowledge {
  private readonly aliases = new Map<string, string>();
  private readonly memberSources = new Map<string, Array<{ members: ReadonlySet<string> | '*'; except: ReadonlySet<string>; match: SourceMatch }>>();
  private readonly callSources = new Map<string, SourceMatch>();
  private readonly valueSources = new Map<string, SourceMatch>();
  private readonly methodSources = new Map<string, SourceMatch>();
  private readonly sinksByCallee = new Map<string, SinkRow[]>();
  private readonly sinksByMethod = new Map<string, SinkRow[]>();
  private readonly sanitizersByCallee = new Map<string, number>();
  private readonly sanitizersByMethod = new Map<string, number>();
  private readonly guardsByCallee = new Map<string, IndexedGuard[]>();
  private readonly guardsByMethod = new Map<string, IndexedGuard[]>();
  private readonly summariesByCallee = new Map<string, SummaryRow>();
  private readonly summariesByMethod = new Map<string, SummaryRow>();
  readonly decoratorHandlers = new Map<string, HandlerRow>();
  readonly baseHandlers = new Map<string, HandlerRow>();
  readonly signatureHandlers: HandlerRow[] = [];
  readonly suffixHandlers: HandlerRow[] = [];
  readonly requestParameters: RequestParameterRow[] = [];
  /**
   * The patterns handler rows test on the module's own code (`HandlerReturn.mentions`): the flow layer's answers
   * depend on them, so the analyzer names each one's answer on the module's own text in every unit's key.
   */
  readonly moduleTextPatterns: RegExp[] = [];
  private readonly terminators = new Set<string>();
  /** Types some model says something about (a class deriving from one is treated as one). */
  readonly modelledTypes = new Set<string>();

  /**
   * `models`: the built-in models, and any a project adds (what `[tool.vigil]` would declare is one more
   * `LibraryModel`, appended last).
   */
  constructor(models: readonly LibraryModel[] = LIBRARY_MODELS) {
    for (const model of models) for (const [from, to] of Object.entries(model.aliases ?? {})) this.aliases.set(from, to);
    for (const model of models) this.add(model);
  }

  private add(model: LibraryModel): void {
    for (const row of model.sources ?? []) this.addSource(row);
    for (const row of model.sinks ?? []) {
      if (row.callee) push(this.sinksByCallee, row.callee, row);
      if (row.method) push(this.sinksByMethod, row.method, row);
      if (row.callee) this.noteType(row.callee);
    }
    for (const row of model.sanitizers ?? []) {
      const mask = conceptMask(row.concepts);
      if (row.callee) this.sanitizersByCallee.set(row.callee, (this.sanitizersByCallee.get(row.callee) ?? 0) | mask);
      if (row.method) this.sanitizersByMethod.set(row.method, (this.sanitizersByMethod.get(row.method) ?? 0) | mask);
    }
    for (const row of model.guards ?? []) this.addGuard(row);
    for (const row of model.summaries ?? []) {
      if (row.callee) this.summariesByCallee.set(row.callee, row);
      if (row.method) this.summariesByMethod.set(row.method, row);
      if (row.returns) this.modelledTypes.add(row.returns);
    }
    for (const row of model.handlers ?? []) {
      if (row.decorator) this.decoratorHandlers.set(row.decorator, row);
      if (row.base) {
        this.baseHandlers.set(row.base, row);
        this.modelledTypes.add(row.base);
      }
      if (row.signature) this.signatureHandlers.push(row);
      if (row.classSuffix) this.suffixHandlers.push(row);
      const mentions = row.returns?.mentions;
      for (const pattern of mentions ? [mentions.matches, mentions.otherwise] : []) {
        if (pattern && !this.moduleTextPatterns.includes(pattern)) this.moduleTextPatterns.push(pattern);
      }
    }
    this.requestParameters.push(...(model.requestParameters ?? []));
    for (const name of model.terminators ?? []) this.terminators.add(name);
  }

  private addSource(row: SourceRow): void {
    const match = { kind: row.kind, label: row.label, ...('inPlace' in row && row.inPlace !== undefined ? { inPlace: row.inPlace } : {}) };
    if ('object' in row) {
      push(this.memberSources, row.object, {
        members: row.members === '*' ? '*' : new Set(row.members),
        except: new Set(row.except ?? []),
        match,
      });
      this.modelledTypes.add(row.object);
    } else if ('call' in row) {
      this.callSources.set(row.call, match);
    } else if ('method' in row) {
      this.methodSources.set(row.method, match);
    } else {
      this.valueSources.set(row.value, match);
    }
  }

  private addGuard(row: GuardRow): void {
    const guard = { args: row.args, mask: conceptMask(row.concepts) };
    if (row.callee) push(this.guardsByCallee, row.callee, guard);
    if (row.method) push(this.guardsByMethod, row.method, guard);
  }

  /** Sink rows name methods of types (`requests.Session.get`): their type prefix is a modelled type. */
  private noteType(callee: string): void {
    const dot = callee.lastIndexOf('.');
    if (dot > 0) this.modelledTypes.add(callee.slice(0, dot));
  }

  /** The name models use for a qualified name: aliases apply to the whole name or to a leading part of it. */
  canonical(name: string): string {
    const direct = this.aliases.get(name);
    if (direct) return direct;
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const head = this.aliases.get(name.slice(0, dot));
      if (head) return head + name.slice(dot);
    }
    return name;
  }

  /** The type of a member of a value of type `type` (`pymongo.MongoClient` → any member is a `Database`). */
  memberType(type: string, member: string): string {
    return this.aliases.get(`${type}.*`) ?? this.canonical(`${type}.${member}`);
  }

  memberSource(type: string, member: string): SourceMatch | null {
    for (const row of this.memberSources.get(type) ?? []) {
      if (row.except.has(member)) continue;
      if (row.members === '*' || row.members.has(member)) return row.match;
    }
    return null;
  }

  callSource(callee: string): SourceMatch | null {
    return this.callSources.get(callee) ?? null;
  }

  /** A source by method name alone, for receivers whose type Vigil cannot see (`cursor.fetchall()`). */
  methodSource(method: string): SourceMatch | null {
    return this.methodSources.get(method) ?? null;
  }

  valueSource(name: string): SourceMatch | null {
    return this.valueSources.get(name) ?? null;
  }

  sinks(callee: string | null, method: string | null): readonly SinkRow[] {
    const byCallee = callee ? this.sinksByCallee.get(callee) : undefined;
    if (byCallee) return byCallee;
    return (method && this.sinksByMethod.get(method)) || [];
  }

  /** The concept bit set a call's result is clean for, or 0. */
  sanitizer(callee: string | null, method: string | null): number {
    return (callee ? this.sanitizersByCallee.get(callee) : undefined) ?? (method ? this.sanitizersByMethod.get(method) : undefined) ?? 0;
  }

  guards(callee: string | null, method: string | null): readonly IndexedGuard[] {
    return (callee ? this.guardsByCallee.get(callee) : undefined) ?? (method ? this.guardsByMethod.get(method) : undefined) ?? [];
  }

  summary(callee: string | null, method: string | null): SummaryRow | null {
    return (callee ? this.summariesByCallee.get(callee) : undefined) ?? (method ? this.summariesByMethod.get(method) : undefined) ?? null;
  }

  isTerminator(callee: string | null): boolean {
    return !!callee && this.terminators.has(callee);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


/** The knowledge of the built-in models (shared: it is immutable). */
export const DEFAULT_KNOWLEDGE = new Knowledge();
