import type { SemanticModel } from '../semantic/model';
import { containsWord, NAME } from '../syntax/python';
import type { SyntaxNode } from '../syntax/syntaxNode';
import { ownOffsetsInOrder, toOwnOffset, type AnalysisUnit } from './units';

/**
 * The names a text mentions as names: every identifier-like word, each with what precedes it when that is a dot
 * (then the word is an attribute: `obj.attr` mentions `obj` only; spaces and line continuations may follow the dot,
 * not a bare line break, after which `1.` ends a float). Words in strings and comments count: a superset is safe. An
 * ASCII text takes the ASCII pattern (most code; the Unicode one is several times slower).
 */
const MENTIONED_ASCII = /(\.[ \t\f]*(?:\\\r?\n[ \t\f]*)*)?\b([A-Za-z_][A-Za-z0-9_]*)/g;
const MENTIONED = new RegExp(String.raw`(\.[ \t\f]*(?:\\\r?\n[ \t\f]*)*)?(?<![\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}])(${NAME})`, 'gu');

/**
 * Module-level statements that may change what any name holds at the end of the module without naming it: imports
 * (they also decide which library models apply), `raise`, `return`, loops and jumps (whether the rest is reached),
 * `global`/`nonlocal`, and the builtins that bind names by string (`globals()`, `setattr`, `exec`…).
 */
const ALWAYS = /\b(?:import|raise|return|yield|break|continue|while|assert|global|nonlocal|exec|eval|globals|locals|vars|setattr|delattr|__dict__|__builtins__|builtins)\b/;

/**
 * Whether `text` has any of `words` as a word, attributes too (`containsWord`: next to a non-ASCII letter it also
 * counts, which only makes more statements common, the safe side).
 */
function containsAnyWord(text: string, words: ReadonlySet<string>): boolean {
  for (const word of words) if (containsWord(text, word)) return true;
  return false;
}

const NON_ASCII = /[^\x00-\x7f]/;

/** The names `text` mentions (see `MENTIONED`), each once. */
export function mentionedNames(text: string): readonly string[] {
  const pattern = NON_ASCII.test(text) ? MENTIONED : MENTIONED_ASCII;
  const names = new Set<string>();
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match[1] === undefined) names.add(match[2]!);
  }
  return [...names];
}

/** One top-level statement of the module (or loose token of an ERROR root), by its own text. */
interface Piece {
  readonly id: number;
  readonly names: readonly string[];
  /** Whether the statement itself may change any name's value (`ALWAYS`, or a terminator's word). */
  readonly always: boolean;
}

/**
 * What a unit below the module may depend on in the module's own text, so that an edit at module level analyses
 * again only the units it can change (a new import, a `def` header, a constant), not every unit of the file.
 *
 * The module's own text is cut into its top-level statements ("pieces"). A unit depends on:
 * - every piece that may change any name without naming it (`ALWAYS`, and calls that may end the module: the flow
 *   layer's terminators, under any name a module-level binding gives them) — `common`, the same for every unit;
 * - every piece that mentions a name the unit mentions and the module binds (its value at module level, which the
 *   semantic model and the flow layer read), and, transitively, the pieces that mention a name such a piece mentions
 *   and the module binds (`B = A + 1` makes a reader of `B` depend on `A`). These are the connected components of the
 *   graph pieces ↔ module-bound names: a unit's view lists the components of the names it mentions;
 * - for a definition nested in a module-level statement (`if`, `try`, decorators), that statement.
 *
 * Which names the module binds is the semantic model's module scope (assignments, imports, definitions, loop and
 * `with` targets, wherever tree-sitter put them, ERROR nodes included, and names a function rebinds with `global`,
 * whose text the analyzer puts in every unit's key besides).
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

  /** `terminatorWords`: the last part of every callee the flow layer treats as ending the code (`exit`, `abort`). */
  constructor(private readonly terminatorWords: ReadonlySet<string>) {}

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
    // Module-level names bound to a terminator (`from sys import exit as bye`, `stop = sys.exit`).
    const aliases = new Set<string>();
    // (A name stands for what a callee resolves through: an import, or an assignment of a name or an attribute.)
    for (const [name, list] of bindings) {
      for (const binding of list) {
        const value = binding.value;
        const stands = binding.qualifiedName ?? (value && (value.type === 'identifier' || value.type === 'attribute') ? value.text : null);
        if (stands && containsAnyWord(stands, this.terminatorWords)) aliases.add(name);
      }
    }

    const nextPieces = new Map<string, Piece>();
    const pieces: Piece[] = [];
    const texts: string[] = [];
    const ownOffset = ownOffsetsInOrder(root);
    for (const child of root.node.children) {
      const start = ownOffset(child.start);
      const end = ownOffset(child.end);
      const text = root.ownText.slice(start, end);
      let piece = nextPieces.get(text) ?? this.pieces.get(text);
      if (!piece) {
        const names = mentionedNames(text);
        piece = { id: this.nextId++, names, always: ALWAYS.test(text) || containsAnyWord(text, this.terminatorWords) };
      }
      // The key is a cut of the module's own text, which the layouts keep anyway; the map is replaced on the next build.
      nextPieces.set(text, piece);
      pieces.push(piece);
      texts.push(text);
    }
    this.pieces = nextPieces;

    // Components: pieces joined by the module-bound names they share (union-find over piece positions).
    const parent = pieces.map((_piece, index) => index);
    const find = (index: number): number => {
      while (parent[index] !== index) index = parent[index] = parent[parent[index]!]!;
      return index;
    };
    const firstPiece = new Map<string, number>();
    const common = pieces.map((piece, index) => piece.always || (aliases.size > 0 && containsAnyWord(texts[index]!, aliases)));
    pieces.forEach((piece, index) => {
      if (common[index]) return;
      for (const name of piece.names) {
        if (!bindings.has(name)) continue;
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
   * The part of a unit's cache key that stands for what it may read of the module: the components of the names it
   * mentions (`names`, from its own text, whose facts have id `textId`), and, for a definition nested in a
   * module-level statement or decorated, that statement's text.
   */
  viewOf(unit: AnalysisUnit, textId: number, names: () => readonly string[]): string {
    let view = this.views.get(textId) ?? this.previous.get(textId);
    if (view === undefined) {
      const components = new Set<number>();
      for (const name of names()) {
        const component = this.componentOfName.get(name);
        if (component !== undefined) components.add(component);
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
