/**
 * The flow layer's vocabulary: where data comes from (taint kinds), what dangerous operations it may reach
 * (sink concepts), and the model rows that say which library APIs are which. Framework and library knowledge lives
 * in `models/` as plain data in these shapes, one file per framework or library (CodeQL's "concepts" and
 * "models-as-data"; Pysa's taint kinds).
 */

/**
 * Where an untrusted value comes from.
 * - `remote`: an HTTP request (query, form, body, headers, cookies, path parameters): an attacker controls it.
 * - `local`: the process's own inputs (`sys.argv`, `input()`, the environment): controlled by whoever runs it.
 * - `stored`: read back from a database, a file or a message: trusted only as much as what wrote it.
 * - `archive`: a member name inside a zip or tar archive: whoever made the archive chose it (zip slip).
 * - `random`: the output of a predictable pseudo-random generator (`random.*`): not a source of untrusted data but
 *   of guessable data, which no sanitizer makes unguessable; rules about secrets follow it.
 */
export type TaintKind = 'remote' | 'local' | 'stored' | 'archive' | 'random';

export const TAINT_KINDS: readonly TaintKind[] = ['remote', 'local', 'stored', 'archive', 'random'];

/** The kinds a project may give its own sources in `[tool.vigil] extend-sources`. */
export const PROJECT_TAINT_KINDS: readonly TaintKind[] = ['remote', 'local', 'stored'];

export function kindBit(kind: TaintKind): number {
  return 1 << TAINT_KINDS.indexOf(kind);
}

/**
 * Kinds no sanitizer removes and no sink is in danger from: a predictable number stays predictable through `int()`,
 * a hash or a format, and it is nobody's data. `cleaned` keeps them, their sources are clean for every concept (so
 * they reach no sink), and a merge never lets them choose another kind's path or confidence: only the rules that
 * ask for them (`taintOf`) see them.
 */
export const UNSANITIZABLE_KINDS = kindBit('random');

/** Dangerous operations, by what they do with a value (not by which library does it). */
export type Concept =
  | 'sql'
  | 'command'
  | 'code'
  | 'path'
  | 'url'
  | 'redirect'
  | 'html'
  | 'template'
  | 'deserialization'
  | 'xml'
  | 'log'
  | 'ldap'
  | 'xpath'
  | 'regex'
  | 'header'
  | 'nosql'
  | 'config';

export const CONCEPTS: readonly Concept[] = [
  'sql', 'command', 'code', 'path', 'url', 'redirect', 'html', 'template', 'deserialization', 'xml', 'log', 'ldap',
  'xpath', 'regex', 'header', 'nosql', 'config',
];

export function conceptBit(concept: Concept): number {
  return 1 << CONCEPTS.indexOf(concept);
}

/** Every concept: what a value converted to a number or checked against an allow-list is clean for. */
export const ALL_CONCEPTS = (1 << CONCEPTS.length) - 1;

export function conceptMask(concepts: readonly Concept[] | 'all'): number {
  return concepts === 'all' ? ALL_CONCEPTS : concepts.reduce((mask, concept) => mask | conceptBit(concept), 0);
}

/**
 * Which argument of a call a row is about: a position, a keyword, both (`[0, 'url']`: the first positional
 * argument, or `url=`), `'receiver'` (the object a method is called on: `Path(p).read_text()`), or `'*'` (every
 * argument).
 */
export type ArgumentSpec = number | string | 'receiver' | '*';

/**
 * A source: a value an attacker (or the environment) controls.
 * - `object` + `members`: reading one of these attributes, items or methods of a value of that type is a source
 *   (`flask.request` with `args`, `form`…; `'*'` = any member).
 * - `call`: the result of calling this function is a source (`input`, `os.getenv`); with `inPlace`, the call changes
 *   that argument in place and the argument is the source afterwards (`random.shuffle(xs)`).
 * - `value`: the object itself is a source (`sys.argv`, `os.environ`).
 * - `method`: calling a method of this name on any object is a source (a DB-API cursor's `fetchall()`, whose type
 *   is rarely visible); for names no other common type has.
 */
export type SourceRow =
  | { readonly object: string; readonly members: readonly string[] | '*'; readonly except?: readonly string[]; readonly kind: TaintKind; readonly label: string; readonly inPlace?: number }
  | { readonly call: string; readonly kind: TaintKind; readonly label: string; readonly inPlace?: number }
  | { readonly value: string; readonly kind: TaintKind; readonly label: string }
  | { readonly method: string; readonly kind: TaintKind; readonly label: string };

/**
 * A sink: a call that does something dangerous with some of its arguments. `callee` is a qualified name
 * (`flask.send_file`) or a type's method (`requests.Session.get`); `method` matches a method of that name on any
 * object (for DB-API cursors, whose type Vigil cannot see).
 */
export interface SinkRow {
  readonly callee?: string;
  readonly method?: string;
  readonly concept: Concept;
  readonly args: readonly ArgumentSpec[];
  /**
   * Only a sink when this argument is present with a value whose source text matches: a keyword
   * (`Loader=yaml.UnsafeLoader`), or a position (`send_header("Location", …)`), or either (`[0, 'name']`).
   */
  readonly when?: ArgumentCondition;
  /** Not a sink when this argument's text matches (`HttpResponse(data, content_type="text/plain")` is no HTML). */
  readonly unless?: ArgumentCondition;
  /** How messages name the operation: "`send_file()` reads the file". */
  readonly label?: string;
}

/**
 * A condition on one argument of a call, by keyword (or any of several keywords), position, or both: its source text
 * matches `matches`.
 */
export interface ArgumentCondition {
  readonly keyword?: string | readonly string[];
  readonly position?: number;
  readonly matches: RegExp;
}

/**
 * A sanitizer: the result of this call is clean for these concepts (`html.escape` for `html`; `int` for all).
 * `callee` or `method` as for sinks.
 */
export interface SanitizerRow {
  readonly callee?: string;
  readonly method?: string;
  readonly concepts: readonly Concept[] | 'all';
}

/**
 * A guard: a check in an `if` that makes the checked value clean on the branch where it passed
 * (`url_has_allowed_host_and_scheme(url, …)`). `args` name the checked argument.
 */
export interface GuardRow {
  readonly callee?: string;
  readonly method?: string;
  readonly args: readonly ArgumentSpec[];
  readonly concepts: readonly Concept[] | 'all';
}

/**
 * A pass-through summary: taint moves from these arguments (and the receiver, for methods) to the result, at full
 * confidence (a call Vigil has no row for passes taint too, at lower confidence). `returns` gives the result a
 * type, so that methods called on it can be modelled (`requests.Session()` → `requests.Session`).
 */
export interface SummaryRow {
  readonly callee?: string;
  readonly method?: string;
  readonly from: readonly ArgumentSpec[];
  readonly returns?: string;
}

/**
 * Where request data enters a program as parameters.
 * - `decorator`: functions decorated with a call of this (`flask.Flask.route`): their parameters are sources.
 * - `base`: methods named in `methods` of classes deriving from this; parameters after `skip` are sources, and
 *   `self` has the base's type (so `self.get_argument(…)` and `self.path` can be sources).
 * - `signature`: functions whose parameters are named exactly so (`environ, start_response`); `params` are sources.
 * Parameters annotated with a type in `requestTypes`, or named so when the module imports the framework, get that
 * type (`request` in a Django module is an `HttpRequest`).
 */
export interface HandlerRow {
  readonly decorator?: string;
  readonly base?: string;
  readonly methods?: readonly string[];
  /** Class names ending so (`Controller`) are handlers too. */
  readonly classSuffix?: string;
  /** Only in modules that import a module starting with one of these (`django`). */
  readonly imports?: readonly string[];
  /**
   * What the handler's return value becomes: a Flask view's returned string is the HTML response body. `when`: only
   * when the decorator call's argument says so (FastAPI's `response_class=HTMLResponse`).
   */
  readonly returns?: HandlerReturn;
  readonly signature?: readonly string[];
  readonly params?: readonly string[];
  /** Leading parameters that are not data (`self`, `request`). */
  readonly skip?: number;
  /** Parameters whose default is a call of one of these are injected, not request data (`fastapi.Depends`). */
  readonly injectedDefaults?: readonly string[];
  readonly label: string;
}

/** What a handler's return value becomes for the client. */
export interface HandlerReturn {
  readonly concept: Concept;
  readonly label: string;
  /** Only when the decorator call's argument says so (FastAPI's `response_class=HTMLResponse`). */
  readonly when?: ArgumentCondition;
  /**
   * Only when the handler's own text matches (a WSGI app that sends `Content-Type: text/html`; the bodies of functions
   * nested in it excluded); with `otherwise`, also when the module's own text does (its top-level code: a header list
   * kept in a constant) and the handler names none of `otherwise`. Both are texts the handler's cache key names: the
   * analyzer puts the module's answers in every key (`Knowledge.moduleTextPatterns`).
   */
  readonly mentions?: { readonly matches: RegExp; readonly otherwise?: RegExp };
  /**
   * Which part of the returned value this is about: the value itself unless it is a list or dict (a Flask view:
   * those become JSON; the default), each item of the returned iterable and each `yield`ed value (a WSGI app), or
   * an entry of a returned dict literal, by its keys (an AWS Lambda proxy response: `["body"]`,
   * `["headers", "Location"]`; keys ignore case).
   */
  readonly body?: 'value' | 'items' | { readonly keys: readonly string[] };
}

export interface RequestParameterRow {
  /** The type a parameter gets: `django.http.HttpRequest`. */
  readonly type: string;
  /** Annotations that give it (qualified names). */
  readonly annotations?: readonly string[];
  /** Parameter names that give it when the module imports a module starting with one of `imports`. */
  readonly names?: readonly string[];
  readonly imports?: readonly string[];
}

/** One framework or library: everything Vigil knows about it, as data. */
export interface LibraryModel {
  readonly name: string;
  readonly sources?: readonly SourceRow[];
  readonly sinks?: readonly SinkRow[];
  readonly sanitizers?: readonly SanitizerRow[];
  readonly guards?: readonly GuardRow[];
  readonly summaries?: readonly SummaryRow[];
  readonly handlers?: readonly HandlerRow[];
  readonly requestParameters?: readonly RequestParameterRow[];
  /** Functions whose call ends the request (`flask.abort`): a branch that calls one does not fall through. */
  readonly terminators?: readonly string[];
  /** Types that behave as another modelled type (a subclass, an older module name): `BaseHTTPServer.X` → `http.server.X`. */
  readonly aliases?: Readonly<Record<string, string>>;
}
