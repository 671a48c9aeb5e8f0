import { defineRule, type FixSpec, type Report } from '../rule';
import type { Severity, Confidence } from '../../findings';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, stringLiteralValue, unparenthesize } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { isInUnit } from '../support/units';

const FLASK_CLASSES: ReadonlySet<string> = new Set(['flask.Flask', 'flask.app.Flask']);
/** Names an application object goes by when it is not bound to `Flask(...)` in this module (`create_app()`, an import). */
const APP_NAMES = /^(?:app|application|flask_app|_app)$/;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Positions of `Flask.run(host=None, port=None, debug=None, ...)`. */
const HOST_POSITION = 0;
const DEBUG_POSITION = 2;

interface App {
  /** Certain (bound to `Flask(...)`) or guessed from its name in a module that imports flask. */
  readonly certain: boolean;
  /** Where the app was created, when it was bound to `Flask(...)` in this module. */
  readonly origin: SyntaxNode | null;
}

function shown(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Whether `node` runs under `if __name__ == "__main__":`; returns that `if` statement. */
function mainGuard(node: SyntaxNode): SyntaxNode | null {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type !== 'if_statement') continue;
    const condition = current.child('condition');
    const expr = condition ? unparenthesize(condition) : null;
    if (expr?.type !== 'comparison_operator' || expr.namedChildren.length !== 2 || !expr.hasToken('==')) continue;
    const sides = expr.namedChildren.map((side) => (side.type === 'identifier' ? side.text : stringLiteralValue(side)));
    if (sides.includes('__name__') && sides.includes('__main__')) return current;
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'VG701',
    name: 'flask-debug-mode',
    title: 'Flask app run with the debugger enabled',
    cwe: [94, 489, 215],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B201'],
    ruff: ['S201'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags a Flask application started or configured in debug mode: `app.run(debug=True)` (also `use_debugger=True`), `app.debug = True`, `app.config["DEBUG"] = True` and `app.config.update(DEBUG=True)`, where `app` is bound to `flask.Flask(...)` in the module, or is named `app`/`application` in a module that imports flask.',
      whyIsThisBad:
        'Debug mode serves the Werkzeug interactive debugger: any request that raises an exception returns a page with a Python console running inside the server process, protected only by a PIN that is derived from guessable machine data and printed to the server log. Anyone who can reach the server can read files, environment variables and secrets and run commands. Even without the console, debug pages disclose source code, configuration and stack traces.',
      example:
        'from flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)',
      useInstead:
        'import os\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\nif __name__ == "__main__":\n    # Debug only when a developer asks for it (or use `flask run --debug`).\n    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")',
      references: [
        'https://cwe.mitre.org/data/definitions/94.html',
        'https://cwe.mitre.org/data/definitions/489.html',
        'https://cwe.mitre.org/data/definitions/215.html',
        'https://flask.palletsprojects.com/en/stable/debugging/',
        'https://flask.palletsprojects.com/en/stable/deploying/',
        'https://werkzeug.palletsprojects.com/en/stable/debug/',
        'https://bandit.readthedocs.io/en/latest/plugins/b201_flask_debug_true.html',
      ],
      knownProblems:
        'Decision: like Bandit, `app.run(debug=True)` under `if __name__ == "__main__":` (or in a function named `main`) is still flagged, because such scripts end up on servers, but with severity `medium`: it is a development entry point that listens on localhost by default. It stays `high` there when it also listens on other interfaces (`host="0.0.0.0"`, a non-loopback address); an unknown host (a variable) counts as localhost. ' +
        'Not flagged: `debug=False`, debug taken from the environment, a setting or a parameter (`debug=os.environ.get("FLASK_DEBUG") == "1"`, `debug=args.debug`), `use_debugger=False`, `**options`, and configuration classes (`class DevelopmentConfig: DEBUG = True`, loaded with `app.config.from_object()`), which are the documented way to keep debug settings for development. `debug=DEBUG` where `DEBUG` is always `True` is flagged. ' +
        'Missed: apps created in another module and used here without importing flask (`from myapp import create_app`), apps named other than `app`/`application` that are not bound to `Flask(...)` here, `FLASK_DEBUG=1` in the environment or `.flaskenv`, `flask run --debug`, `app.config.from_object()`/`from_pyfile()`, `socketio.run(app, debug=True)` and Werkzeug\'s `run_simple(..., use_debugger=True)`. Assignments and `config` updates have no Bandit/Ruff equivalent, so only `# nosec`/`# noqa` without codes or naming VG701 silence them; they have `medium` confidence (`low` for an app recognised only by its name), because only `app.run()` turns the setting into a debugger: `flask run` and WSGI servers such as gunicorn ignore it.',
      fixSafety:
        'The fix sets the flag to `False` (`debug=False`, `app.debug = False`, `app.config["DEBUG"] = False`). It is `safe`: the application serves the same responses, without the interactive debugger, the reloader and the detailed error pages. Developers who relied on them locally should enable them explicitly (`flask run --debug`, `FLASK_DEBUG=1`).',
    },
  },
  create(context) {
    const { model, unit } = context;
    const unitNode = unit.node;
    let flask: boolean | undefined;
    const flaskImported = (): boolean => (flask ??= model.importedRoots().has('flask'));

    /** What a receiver is: a Flask app (certainly or by name), or null. */
    const resolveApp = (receiver: SyntaxNode): App | null => {
      const expr = unparenthesize(receiver);
      if (expr.type === 'call') {
        return FLASK_CLASSES.has(model.calleeQualifiedName(expr) ?? '') ? { certain: true, origin: null } : null;
      }
      if (expr.type === 'attribute') {
        const name = expr.child('attribute')?.text ?? '';
        return APP_NAMES.test(name) && flaskImported() ? { certain: false, origin: null } : null;
      }
      if (expr.type !== 'identifier') return null;
      const bindings = model.bindingsOf(expr);
      let origin: SyntaxNode | null = null;
      let otherKnown = false;
      for (const binding of bindings) {
        const value = binding.value ? unparenthesize(binding.value) : null;
        if ((binding.kind === 'assignment' || binding.kind === 'walrus') && value?.type === 'call') {
          const callee = model.calleeQualifiedName(value);
          if (callee && FLASK_CLASSES.has(callee)) origin = binding.node.parent ?? value;
          // app = FastAPI(), app = web.Application(), app = QApplication(argv): another framework's class.
          else if (callee && /^[A-Z]/.test(callee.split('.').pop()!)) otherKnown = true;
        } else if (binding.kind === 'import' && binding.qualifiedName) {
          // `from fastapi import FastAPI as app` imports a class, `from myproject import app` an app object.
          if (/^[A-Z]/.test(binding.qualifiedName.split('.').pop()!) && !FLASK_CLASSES.has(binding.qualifiedName)) otherKnown = true;
        }
      }
      if (origin) return { certain: true, origin };
      if (otherKnown || !APP_NAMES.test(expr.text) || !flaskImported()) return null;
      return { certain: false, origin: null };
    };

    /** Severity and how the entry point is described: `medium` for a development entry point listening locally. */
    const placement = (node: SyntaxNode, exposed: boolean): { severity: Severity; note: string; guard: SyntaxNode | null } => {
      const guard = mainGuard(node);
      const inMain = !guard && unit.kind === 'function' && unitNode.child('name')?.text === 'main';
      if ((guard || inMain) && !exposed) {
        return {
          severity: 'medium',
          note: guard ? ' (under `if __name__ == "__main__":`, a development entry point)' : ' (in `main()`, a development entry point)',
          guard,
        };
      }
      return { severity: 'high', note: '', guard };
    };

    const relatedFor = (app: App, guard: SyntaxNode | null, value: SyntaxNode | null): NonNullable<Report['related']> => {
      const related: Array<NonNullable<Report['related']>[number]> = [];
      if (app.origin && isInUnit(app.origin, unitNode)) related.push({ at: app.origin, message: 'The Flask application is created here' });
      if (guard && isInUnit(guard, unitNode)) related.push({ at: guard.child('condition') ?? guard, message: 'Only when the file is run as a script' });
      if (value) {
        const expr = unparenthesize(value);
        const assigned = expr.type === 'identifier' ? model.singleValue(expr) : null;
        const statement = assigned?.parent;
        if (assigned && statement && isInUnit(statement, unitNode)) {
          related.push({ at: statement, message: `\`${expr.text}\` is set to \`${shown(assigned)}\` here` });
        }
      }
      return related;
    };

    const describeValue = (name: string, value: SyntaxNode): string => `${name}=${shown(value)}`;
    /** " (`DEBUG` is always true)" for a constant name. */
    const always = (value: SyntaxNode): string => {
      const expr = unparenthesize(value);
      return expr.type === 'identifier' ? ` (\`${expr.text}\` is always true)` : '';
    };

    const replaceWithFalse = (value: SyntaxNode, title: string): FixSpec => ({
      title,
      safety: 'safe',
      edits: [{ start: value.start, end: value.end, newText: 'False' }],
    });

    const reportSetting = (at: SyntaxNode, app: App, value: SyntaxNode, code: string, fixTitle: string): void => {
      const { severity, note, guard } = placement(at, false);
      const related = relatedFor(app, guard, value);
      context.report({
        at,
        message: `\`${code}\`${always(value)} turns on Flask's debug mode${note}: \`app.run()\` then serves the Werkzeug debugger, which runs Python code for anyone who can reach the server`,
        severity,
        // Only `app.run()` turns the setting into a debugger (`flask run` and WSGI servers ignore it).
        confidence: (app.certain ? 'medium' : 'low') as Confidence,
        bandit: [],
        ruff: [],
        ...(related.length > 0 ? { related } : {}),
        fix: replaceWithFalse(value, fixTitle),
      });
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (fn?.type !== 'attribute') return;
        const method = fn.child('attribute')?.text;
        const receiver = fn.child('object');
        if (!receiver) return;

        // app.config.update(DEBUG=True) / app.config.from_mapping(DEBUG=True)
        if ((method === 'update' || method === 'from_mapping') && unparenthesize(receiver).type === 'attribute') {
          const config = unparenthesize(receiver);
          if (config.child('attribute')?.text !== 'config') return;
          const app = resolveApp(config.child('object')!);
          const args = callArguments(call);
          const value = args.keywords.get('DEBUG');
          if (!app || !value || constantTruthiness(model, value) !== true) return;
          reportSetting(call, app, value, `${shown(receiver)}.${method}(${describeValue('DEBUG', value)})`, 'Set `DEBUG=False`');
          return;
        }

        if (method !== 'run') return;
        const app = resolveApp(receiver);
        if (!app) return;
        const args = callArguments(call);
        const useDebugger = args.keywords.get('use_debugger');
        const debuggerSwitch = useDebugger ? constantTruthiness(model, useDebugger) : null;
        if (debuggerSwitch === false) return; // debug mode without the interactive debugger
        const debug = args.keywords.get('debug') ?? args.positional[DEBUG_POSITION];
        let flag: { name: string; value: SyntaxNode } | null = null;
        if (debug && constantTruthiness(model, debug) === true) flag = { name: 'debug', value: debug };
        else if (useDebugger && debuggerSwitch === true) flag = { name: 'use_debugger', value: useDebugger };
        if (!flag) return;

        const host = args.keywords.get('host') ?? args.positional[HOST_POSITION];
        const hostText = host ? model.constantText(host) : null;
        const exposed = !!host && hostText !== null && !LOOPBACK_HOSTS.has(hostText);
        const { severity, note, guard } = placement(call, exposed);
        const positional = !args.keywords.has(flag.name);
        const related = relatedFor(app, guard, flag.value);
        const listens = exposed ? `, and it listens on ${hostText === '0.0.0.0' || hostText === '::' || hostText === '' ? 'every network interface' : `\`${hostText}\``} (\`host=${shown(host!)}\`)` : '';
        context.report({
          at: call,
          message: `\`${positional ? shown(call) : `${shown(fn)}(${describeValue(flag.name, flag.value)})`}\`${always(flag.value)} serves the Werkzeug interactive debugger${note}: anyone who can reach the server and trigger an error can run Python code in it${listens}`,
          severity,
          confidence: app.certain ? 'high' : 'medium',
          ...(flag.name === 'use_debugger' ? { bandit: [], ruff: [] } : {}),
          ...(related.length > 0 ? { related } : {}),
          fix: replaceWithFalse(flag.value, positional ? 'Pass `False` for `debug`' : `Set \`${flag.name}=False\``),
        });
      },

      assignment(assignment) {
        const left = assignment.child('left');
        const right = assignment.child('right');
        if (!left || !right || constantTruthiness(model, right) !== true) return;
        // app.debug = True
        if (left.type === 'attribute' && left.child('attribute')?.text === 'debug') {
          const app = resolveApp(left.child('object')!);
          if (app) reportSetting(assignment, app, right, `${shown(left)} = ${shown(right)}`, `Set \`${shown(left)} = False\``);
          return;
        }
        // app.config["DEBUG"] = True
        if (left.type === 'subscript') {
          const key = left.child('subscript');
          const config = unparenthesize(left.child('value')!);
          if (!key || stringLiteralValue(key) !== 'DEBUG' || config.type !== 'attribute' || config.child('attribute')?.text !== 'config') return;
          const app = resolveApp(config.child('object')!);
          if (app) reportSetting(assignment, app, right, `${shown(left)} = ${shown(right)}`, `Set \`${shown(left)} = False\``);
        }
      },
    };
  },
});
