import { DefinitionMemo, detachedText, type SyntaxNode } from '../syntax/syntaxNode';
import { DEFINITION_TYPES, nestedDefinitions } from '../syntax/python';

/**
 * An analysis unit: the module's own statements, one class body, or one function. Rules run over one unit at a
 * time, so findings can be cached per unit and only the units an edit touched are analysed again.
 */
export interface AnalysisUnit {
  readonly kind: 'module' | 'class' | 'function';
  readonly node: SyntaxNode;
  readonly parent: AnalysisUnit | null;
  /**
   * The unit's text with the bodies of nested definitions cut out (each replaced by `…`). The findings of a
   * unit depend only on its own text and its ancestors' own texts (the names and values it can see): that is
   * its cache key. Positions in this text ("own offsets") do not move when a nested body is edited.
   */
  readonly ownText: string;
  /** The source ranges that make up `ownText`, in order. */
  readonly segments: readonly Segment[];
  /** The unit's position in `collectUnits`' list (pre-order): per-analysis tables are arrays indexed by it. */
  readonly index: number;
  /** The name its definition binds (`def name`, `class name`); null for the module and a definition with no name. */
  readonly name: string | null;
}

export interface Segment {
  readonly start: number;
  readonly end: number;
  /** Where the segment begins in `ownText`. */
  readonly ownStart: number;
  /**
   * For a segment after a cut that also took the blank space after the nested body: where that body ends. The source
   * offsets from here to `start` hold only spaces and line breaks, and map to the segment's first own offset.
   */
  readonly bodyEnd?: number;
}

const CUT = '…';

const NON_ASCII_BUT_CUT = /[^\x00-\x7f\u2026]/;

/**
 * Whether a text (an own text, or a piece of one) may hold a name with non-ASCII characters: some character outside
 * ASCII other than the `…` that stands for a cut body. The name patterns have an ASCII form and a Unicode one, several
 * times slower (and slow on long runs of indentation), used only when this is true.
 */
export function mayHaveNonAsciiNames(text: string): boolean {
  return NON_ASCII_BUT_CUT.test(text);
}

/** What a unit's node gives, whatever its position: segments are relative to the node's start. */
interface UnitLayout {
  readonly ownText: string;
  readonly name: string | null;
  readonly segments: readonly Segment[];
  readonly nested: readonly SyntaxNode[];
}

/**
 * Layouts by definition (`DefinitionMemo`: by body and header; the module by its node). A node the tree copy reused
 * (`copyTree`) stands for the same text as before, only moved, so its own text, segments and nested definitions are
 * computed once, not on every keystroke, and the own text stays the same string, whose hash the caches' lookups then
 * reuse.
 */
const layouts = new DefinitionMemo<UnitLayout>();

function layoutOf(node: SyntaxNode): UnitLayout {
  // The root is the module, even when tree-sitter made it an ERROR node (a file whose parse failed at its top level).
  return layouts.get(node, () => computeLayout(node));
}

/**
 * The module's last own text (a detached string: it holds no tree). A new tree has a new root, whose own text is most
 * often the same (the edit was inside a definition's body): reusing the string spares building and flattening it
 * (the size of the module's own code) and hashing it again in every table keyed by own texts.
 */
let lastModuleText: string | undefined;

function computeLayout(node: SyntaxNode): UnitLayout {
  const nested = nestedDefinitions(node);
  const segments: Segment[] = [];
  // Source ranges first, then the text they make (or the previous module's, when equal).
  let ownLength = 0;
  let cursor = node.start;
  let bodyEnd: number | undefined;
  const addSegment = (end: number): void => {
    const segment: Segment = { start: cursor - node.start, end: end - node.start, ownStart: ownLength };
    segments.push(bodyEnd === undefined ? segment : { ...segment, bodyEnd: bodyEnd - node.start });
    ownLength += end - cursor;
  };
  const source = node.source;
  for (const definition of nested) {
    // Keep the header (name, parameters, defaults, bases): the enclosing code sees those.
    const nestedBody = definition.child('body');
    if (!nestedBody || nestedBody.start < cursor) continue;
    addSegment(nestedBody.start);
    ownLength += CUT.length;
    cursor = blankAfter(source, nestedBody.end, node.end);
    bodyEnd = cursor === nestedBody.end ? undefined : nestedBody.end;
  }
  addSegment(node.end);
  const base = node.start;
  const previous = node.parent === null ? lastModuleText : undefined;
  // (A detached copy: a slice would keep the whole source alive.)
  const nameNode = node.parent === null ? null : node.child('name');
  const name = nameNode ? detachedText(nameNode.text) : null;
  if (previous !== undefined && sameText(previous, segments, source, base, ownLength)) return { ownText: previous, name, segments, nested };
  let ownText = '';
  for (let i = 0; i < segments.length; i++) {
    if (i > 0) ownText += CUT;
    ownText += source.slice(segments[i]!.start + base, segments[i]!.end + base);
  }
  const layout = { ownText: detachedText(ownText), name, segments, nested };
  if (node.parent === null) lastModuleText = layout.ownText;
  return layout;
}

/**
 * Where the code after a nested body resumes: past the spaces and blank lines that follow the body, at the start of the
 * line of the next token (or at `limit`). The cut takes them, so typing at the end of a body (a space after the last
 * word, Enter and the editor's indentation) leaves the enclosing unit's own text, and so its key and the keys of every
 * unit under it, unchanged: tree-sitter ends a body at its last token. The body's end when the next token is on the
 * same line.
 */
function blankAfter(source: string, bodyEnd: number, limit: number): number {
  let lineStart = bodyEnd;
  for (let i = bodyEnd; i < limit; i++) {
    const code = source.charCodeAt(i);
    if (code === 10) lineStart = i + 1;
    else if (code !== 32 && code !== 9 && code !== 12 && code !== 13) return lineStart;
  }
  return limit;
}

/** Whether `segments` of `source` (relative to `base`), joined by cuts, spell `text`. */
function sameText(text: string, segments: readonly Segment[], source: string, base: number, ownLength: number): boolean {
  if (text.length !== ownLength) return false;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (i > 0 && !text.startsWith(CUT, segment.ownStart - CUT.length)) return false;
    if (!text.startsWith(source.slice(segment.start + base, segment.end + base), segment.ownStart)) return false;
  }
  return true;
}

/**
 * A unit of one analysis. Its segments (source offsets) are made on first use: a keystroke collects every unit of the
 * file, and most are only looked up in the cache.
 */
class Unit implements AnalysisUnit {
  private placed: readonly Segment[] | undefined;

  constructor(
    readonly kind: AnalysisUnit['kind'],
    readonly node: SyntaxNode,
    readonly parent: AnalysisUnit | null,
    private readonly layout: UnitLayout,
    readonly index: number,
  ) {}

  get ownText(): string {
    return this.layout.ownText;
  }

  get name(): string | null {
    return this.layout.name;
  }

  get segments(): readonly Segment[] {
    if (!this.placed) {
      const base = this.node.start;
      this.placed = this.layout.segments.map((segment) =>
        segment.bodyEnd === undefined
          ? { start: segment.start + base, end: segment.end + base, ownStart: segment.ownStart }
          : { start: segment.start + base, end: segment.end + base, ownStart: segment.ownStart, bodyEnd: segment.bodyEnd + base },
      );
    }
    return this.placed;
  }
}

export function collectUnits(root: SyntaxNode): AnalysisUnit[] {
  const units: AnalysisUnit[] = [];
  const visit = (node: SyntaxNode, parent: AnalysisUnit | null): void => {
    const kind = parent === null ? 'module' : node.type === 'class_definition' ? 'class' : 'function';
    const layout = layoutOf(node);
    const unit = new Unit(kind, node, parent, layout, units.length);
    units.push(unit);
    for (const definition of layout.nested) visit(definition, unit);
  };
  visit(root, null);
  return units;
}

/**
 * The own offset of a source offset, or undefined when it lies outside the unit's own text (inside a nested body). The
 * end of a nested body, and the blank space after it that the cut took, map to where the cut ends.
 */
export function toOwnOffset(unit: AnalysisUnit, offset: number): number | undefined {
  for (const segment of unit.segments) {
    if (offset >= segment.start && offset <= segment.end) return segment.ownStart + offset - segment.start;
    if (segment.bodyEnd !== undefined && offset >= segment.bodyEnd && offset < segment.start) return segment.ownStart;
  }
  return undefined;
}

/**
 * `toOwnOffset` for offsets asked in increasing order (one walk over the segments for all of them, not one per
 * offset): the module's statements in a file full of syntax errors are thousands. An offset inside a cut body maps to
 * where the cut ends.
 */
export function ownOffsetsInOrder(unit: AnalysisUnit): (offset: number) => number {
  const segments = unit.segments;
  let at = 0;
  return (offset) => {
    while (at < segments.length - 1 && offset > segments[at]!.end) at++;
    const segment = segments[at]!;
    return segment.ownStart + Math.max(0, Math.min(offset, segment.end) - segment.start);
  };
}

/**
 * The source offset of an own offset. Where a cut ends after blank space it took, one own offset stands for both the
 * end of the nested body and the start of the code after the blank: `side` says which (a span's end is the body's
 * end, as a range that ends with a definition ends where its body does; its start, the code's).
 */
export function fromOwnOffset(unit: AnalysisUnit, own: number, side: 'start' | 'end' = 'start'): number {
  for (const segment of unit.segments) {
    if (own >= segment.ownStart && own <= segment.ownStart + segment.end - segment.start) {
      if (side === 'end' && own === segment.ownStart && segment.bodyEnd !== undefined) return segment.bodyEnd;
      return segment.start + own - segment.ownStart;
    }
  }
  throw new Error(`own offset ${own} is not in the unit's text`);
}

/**
 * Visits the nodes of one unit in source order: the unit's root and everything below it except nested
 * function and class definitions, which are units of their own (`onNested` receives them). Decorators belong to
 * the enclosing unit, like the code that runs them.
 */
export function forEachNodeInUnit(
  root: SyntaxNode,
  visit: (node: SyntaxNode) => void,
  onNested?: (definition: SyntaxNode) => void,
): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node !== root && DEFINITION_TYPES.has(node.type)) {
      onNested?.(node);
      continue;
    }
    visit(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

/**
 * The nodes of one unit grouped by a key (`null` leaves a node out), gathered on the first question: the identifiers
 * by name, the method calls by receiver name.
 */
export class UnitNodeIndex {
  private index: Map<string, SyntaxNode[]> | undefined;

  constructor(
    private readonly unit: AnalysisUnit,
    private readonly keyOf: (node: SyntaxNode) => string | null,
  ) {}

  get(key: string): readonly SyntaxNode[] {
    if (!this.index) {
      const index = new Map<string, SyntaxNode[]>();
      forEachNodeInUnit(this.unit.node, (node) => {
        const nodeKey = this.keyOf(node);
        if (nodeKey === null) return;
        const list = index.get(nodeKey);
        if (list) list.push(node);
        else index.set(nodeKey, [node]);
      });
      this.index = index;
    }
    return this.index.get(key) ?? [];
  }
}
