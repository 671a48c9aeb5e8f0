import type { SemanticModel } from '../semantic/model';
import { DEFINITION_TYPES, hasInterpolation, NAME, parameterEntries } from '../syntax/python';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { mayHaveNonAsciiNames, ownOffsetsInOrder, toOwnOffset, type AnalysisUnit } from './units';

/**
 * The names a text mentions as names: every identifier-like word, each with what precedes it when that is a dot
 * (then the word is an attribute: `obj.attr` mentions `obj` only; spaces and line continuations may follow the dot,
 * not a bare line break, after which `1.` ends a float). Words in strings and comments count: a superset is safe. An
 * ASCII text takes the ASCII pattern (most code; `mayHaveNonAsciiNames`).
 */
const MENTIONED_ASCII = /(\.[ \t\f]*(?:\\\r?\n[ \t\f]*)*)?\b([A-Za-z_][A-Za-z0-9_]*)/g;
const MENTIONED = new RegExp(String.raw`(\.[ \t\f]*(?:\\\r?\n[ \t\f]*)*)?(?<![\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}])(${NAME})`, 'gu');

/**
 * Module-level statements that may change what any name holds at the end of the module without naming it: imports
 * (they also decide which library models apply), `global`/`nonlocal`, the builtins that bind names by string
 * (`globals()`, `setattr`, `exec`…), and `while` loops. Not the statements that end the code (`raise`, `sys.exit()`,
 * a stray `return`): the flow layer runs the module's statements after one from what held before it
 * (`UnitInterpreter.moduleBody`), so such a statement changes only the names it mentions.
 */
const ALWAYS = /\b(?:import|while|global|nonlocal|exec|eval|globals|locals|vars|setattr|delattr|__dict__|__builtins__|builtins)\b/;


/** The names `text` mentions (see `MENTIONED`), each once. */
export function mentionedNames(text: string): readonly string[] {
  const pattern = mayHaveNonAsciiNames(text) ? MENTIONED : MENTIONED_ASCII;
  const names = new Set<string>();
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[1] === undefined) names.add(match[2]!);
  }
  return [...names];
}

/**
 * The names a unit's own text may read of the module: `names`, the `mentionedNames` of its code (`codeText`: not in
 * strings or comments, not parameters' or nested definitions' names; its own name is kept), less, for a function, its
 * local variables (`readsModule`). Kept with the unit's own-text facts, across analyses while the text is the same.
 */
export class NamesRead {
  /** By name: whether a function reads the module's binding of it (`readsModule`), once asked. */
  private readonly answers = new Map<string, boolean>();

  private constructor(
    readonly names: readonly string[],
    /** A function's names in its parameters' defaults and annotations and its return annotation; none for others. */
    private readonly header: ReadonlySet<string> | undefined,
  ) {}

  /** The names `unit`'s code mentions, read from its tree (one walk of its own nodes). */
  static of(unit: AnalysisUnit): NamesRead {
    const names = mentionedNames(codeText(unit.node, unit.ownText, ownOffsetsInOrder(unit), false));
    if (unit.kind !== 'function') return new NamesRead(names, undefined);
    const parameters = unit.node.child('parameters');
    const parameterNames = new Set(parameterEntries(parameters).map((entry) => entry.name));
    const header = new Set<string>();
    for (const part of [parameters, unit.node.child('return_type')]) {
      part?.walk((node) => {
        if (node.type === 'identifier' && !parameterNames.has(node)) header.add(node.text);
      });
    }
    return new NamesRead(names, header);
  }

  /**
   * Whether `unit` (a unit with this own text) may read the module's binding of `name`, one of `names`: yes, but for a
   * function's local variable (`SemanticModel.isLocalTo`: Python reads no other binding of it in the function's code,
   * and neither does the flow layer), unless the name is in its header (a default or an annotation is read where the
   * `def` runs). So a module-level `ans = …` (a method's tail tree-sitter put at module level while a line above is
   * half typed) or `request = …` does not tie every function that has an `ans` or a `request` of its own to it. Asked
   * only for names the module binds, so a first analysis reads only the scopes of functions that name one (`model()`
   * is called only then). Remembered per name.
   */
  readsModule(name: string, unit: AnalysisUnit, model: () => SemanticModel): boolean {
    if (!this.header || this.header.has(name)) return true;
    let answer = this.answers.get(name);
    if (answer === undefined) this.answers.set(name, (answer = !model().isLocalTo(unit.node, name)));
    return answer;
  }
}

/**
 * `text`, the own text of `node` (a unit, or a module-level statement; `ownOffset` maps source offsets to offsets in
 * it, asked in increasing order), with what is no code that reads a name blanked (spaces, so nothing else moves or
 * joins): string literals but for an f-string's fields, comments, keywords' names in calls (`f(context=c)`), the
 * parameters' names of `node` (when it is a definition) and of the definitions nested in it, and the nested
 * definitions' names unless `bindsNames` (a module-level statement binds them: they are what joins its readers to it).
 * `node`'s own name is kept: it joins a unit to the module statement that defines it, and so to what that statement's
 * decorators or `if` read (`@app.route` ties a view to `app = Flask(…)`). Read from the tree, not the text, so a quote
 * typed but not closed blanks only what tree-sitter parsed as a string. A module-level definition's body is not walked:
 * it is cut from the module's text.
 */
function codeText(node: SyntaxNode, text: string, ownOffset: (offset: number) => number, bindsNames: boolean): string {
  const blanks: SyntaxNode[] = [];
  const header = (definition: SyntaxNode, keepName: boolean): void => {
    const name = keepName ? null : definition.child('name');
    if (name) blanks.push(name);
    for (const entry of parameterEntries(definition.child('parameters'))) if (entry.name) blanks.push(entry.name);
  };
  const definition = DEFINITION_TYPES.has(node.type);
  if (definition) header(node, true);
  const stack: SyntaxNode[] = [node];
  while (stack.length > 0) {
    const inner = stack.pop()!;
    if (inner !== node && DEFINITION_TYPES.has(inner.type)) {
      header(inner, bindsNames);
      continue;
    }
    if (inner.type === 'comment' || (inner.type === 'string' && !hasInterpolation(inner))) {
      blanks.push(inner);
      continue;
    }
    if (inner.type === 'string') {
      // An f-string: only its fields are code (not its prefix, `f"`, or its literal parts).
      for (const child of inner.children) {
        if (child.type === 'interpolation') stack.push(child);
        else blanks.push(child);
      }
      continue;
    }
    if (inner.type === 'keyword_argument') {
      const name = inner.child('name');
      if (name) blanks.push(name);
    }
    for (const child of inner.children) if (!(inner === node && definition && bindsNames && child.field === 'body')) stack.push(child);
  }
  if (blanks.length === 0) return text;
  blanks.sort((a, b) => a.start - b.start);
  let blanked = '';
  let at = 0;
  for (const blank of blanks) {
    const start = ownOffset(blank.start);
    const end = ownOffset(blank.end);
    // A word inside a string already blanked, or not wholly in the own text (a cut body).
    if (start < at || end - start !== blank.end - blank.start) continue;
    blanked += text.slice(at, start) + ' '.repeat(end - start);
    at = end;
  }
  return blanked + text.slice(at);
}

/** One top-level statement of the module (or loose token of an ERROR root), by its own text. */
interface Piece {
  readonly id: number;
  readonly names: readonly string[];
  /** Whether the statement itself may change any name's value (`ALWAYS`). */
  readonly always: boolean;
}

/**
 * What a unit below the module may depend on in the module's own text, so that an edit at module level analyses
 * again only the units it can change (a new import, a `def` header, a constant), not every unit of the file.
 *
 * The module's own text is cut into its top-level statements ("pieces"). A unit depends on:
 * - every piece that may change any name without naming it (`ALWAYS`) — `common`, the same for every unit;
 * - every piece that mentions a name the unit may read (`NamesRead`) and the module binds (its value at module
 *   level, which the semantic model and the flow layer read), and, transitively, the pieces that mention a name such a
 *   piece mentions and the module binds (`B = A + 1` makes a reader of `B` depend on `A`). These are the connected
 *   components of the graph pieces ↔ module-bound names: a unit's view lists the components of the names it may read;
 * - for a definition nested in a module-level statement (`if`, `try`, decorators), that statement.
 *
 * Which names the module binds is the semantic model's module scope (assignments, imports, definitions, loop and
 * `with` targets, wherever tree-sitter put them, ERROR nodes included, and names a function rebinds with `global`,
 * whose text the analyzer puts in every unit's key besides), and the names it changes in place (`settings["k"] = v`
 * counts even when `settings` comes from a wildcard import).
 *
 * What a rule reads of the module another way (`SemanticModel.moduleFact`, a span stored in the module's own text) is
 * recorded by the analyzer as a read of the module's own key, not here.
 */
export class ModuleViews {
  /** Piece text → its facts, for the pieces of the last module text seen. */
  private pieces = new Map<string, Piece>();
  /** Component digest (piece ids) → id, for the components of the last module text seen. */
  private componentIds = new Map<string, number>();
  private nextId = 1;
  private last: { readonly moduleTextId: number; readonly view: ModuleView } | undefined;

  /**
   * The view of the module whose own text has id `moduleTextId` (`OwnTextFacts.id`): the previous one when the
   * module's own text is the same, else built from `root` and the semantic model (`model()` is called only then).
   */
  viewFor(root: AnalysisUnit, moduleTextId: number, model: () => SemanticModel): ModuleView {
    if (this.last?.moduleTextId === moduleTextId) {
      this.last.view.nextAnalysis();
      return this.last.view;
    }
    const view = this.build(root, model());
    this.last = { moduleTextId, view };
    return view;
  }

  private build(root: AnalysisUnit, model: SemanticModel): ModuleView {
    const bindings = model.moduleScope.bindings;
    // A name the module changes in place is a value at module level even when the module does not bind it (it may
    // come from `from config import *`): `settings["cmd"] = sys.argv[1]` then `os.system(settings["cmd"])`.
    const mutated = model.moduleScope.mutated;

    const nextPieces = new Map<string, Piece>();
    const pieces: Piece[] = [];
    const ownOffset = ownOffsetsInOrder(root);
    // The same, for the words inside the statements (in increasing order too: statements do not overlap).
    const wordOffset = ownOffsetsInOrder(root);
    for (const child of root.node.children) {
      const start = ownOffset(child.start);
      const end = ownOffset(child.end);
      const text = root.ownText.slice(start, end);
      let piece = nextPieces.get(text) ?? this.pieces.get(text);
      if (!piece) {
        // What the statement reads and binds (the definitions it makes bind their names here), not words in strings.
        const code = codeText(child, text, (offset) => wordOffset(offset) - start, true);
        piece = { id: this.nextId++, names: mentionedNames(code), always: ALWAYS.test(code) };
      }
      // The key is a cut of the module's own text, which the layouts keep anyway; the map is replaced on the next build.
      nextPieces.set(text, piece);
      pieces.push(piece);
    }
    this.pieces = nextPieces;

    // Components: pieces joined by the module-bound names they share (union-find over piece positions).
    const parent = pieces.map((_piece, index) => index);
    const find = (index: number): number => {
      while (parent[index] !== index) index = parent[index] = parent[parent[index]!]!;
      return index;
    };
    const firstPiece = new Map<string, number>();
    const common = pieces.map((piece) => piece.always);
    pieces.forEach((piece, index) => {
      if (common[index]) return;
      for (const name of piece.names) {
        if (!bindings.has(name) && !mutated.has(name)) continue;
        const first = firstPiece.get(name);
        if (first === undefined) firstPiece.set(name, index);
        else parent[find(index)] = find(first);
      }
    });
    const members = new Map<number, number[]>();
    pieces.forEach((piece, index) => {
      if (common[index]) return;
      const top = find(index);
      const list = members.get(top);
      if (list) list.push(piece.id);
      else members.set(top, [piece.id]);
    });
    const nextIds = new Map<string, number>();
    const idOfComponent = new Map<number, number>();
    for (const [top, ids] of members) {
      const digest = ids.join(' ');
      const id = nextIds.get(digest) ?? this.componentIds.get(digest) ?? this.nextId++;
      nextIds.set(digest, id);
      idOfComponent.set(top, id);
    }
    this.componentIds = nextIds;
    const componentOfName = new Map<string, number>();
    for (const [name, index] of firstPiece) componentOfName.set(name, idOfComponent.get(find(index))!);
    return new ModuleView(pieces.filter((_piece, index) => common[index]).map((piece) => piece.id).join(' '), componentOfName);
  }
}

/** One module text's pieces and components (see `ModuleViews`). */
export class ModuleView {
  /** By a unit's own-text facts id: its view, once computed, for the units of this analysis and of the one before. */
  private views = new Map<number, string>();
  private previous = new Map<number, string>();

  constructor(
    /** The ids of the pieces every unit depends on, in order. */
    readonly common: string,
    private readonly componentOfName: ReadonlyMap<string, number>,
  ) {}

  /** Starts another analysis of the same module text: the views the last one did not ask for are forgotten after it. */
  nextAnalysis(): void {
    this.previous = this.views;
    this.views = new Map();
  }

  /**
   * The part of a unit's cache key that stands for what it may read of the module: the components of the names it may
   * read (`read()`, from its own text, whose facts have id `textId`; asked only for names the module binds), and, for
   * a definition nested in a module-level statement or decorated, that statement's text.
   */
  viewOf(unit: AnalysisUnit, textId: number, read: () => NamesRead, model: () => SemanticModel): string {
    let view = this.views.get(textId) ?? this.previous.get(textId);
    if (view === undefined) {
      const components = new Set<number>();
      const names = read();
      for (const name of names.names) {
        const component = this.componentOfName.get(name);
        if (component !== undefined && !components.has(component) && names.readsModule(name, unit, model)) components.add(component);
      }
      view = [...components].sort((a, b) => a - b).join(',');
    }
    this.views.set(textId, view);
    // (A view outlives the analysis that built it: it holds no unit or node.)
    const module = unit.parent;
    if (!module || module.parent) return view;
    const statement = topLevelStatement(unit.node);
    if (statement === unit.node) return view;
    // Decorators, or the `if`/`try`/`with` a definition sits in: that statement's part of the module's own text.
    return `${view}|${ownSlice(module, statement.start, statement.end)}`;
  }
}

function topLevelStatement(node: SyntaxNode): SyntaxNode {
  let statement = node;
  while (statement.parent && statement.parent.parent) statement = statement.parent;
  return statement;
}

/** The part of a unit's own text between two source offsets (neither inside a cut body), cuts included. */
function ownSlice(unit: AnalysisUnit, start: number, end: number): string {
  return unit.ownText.slice(toOwnOffset(unit, start) ?? 0, toOwnOffset(unit, end) ?? unit.ownText.length);
}
