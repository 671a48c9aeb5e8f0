import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'path',
  message: (hit, source) =>
    `${hit.label} at a path built from ${sourceKind(hit)} (${source}): \`../\` in it reaches files outside the intended directory; keep only the file name (\`werkzeug.utils.secure_filename\`, \`os.path.basename\`) or check that the resolved path stays under the base directory`,
  meta: {
    id: 'VG104',
    name: 'path-traversal',
    title: 'File path built from request data',
    cwe: [22],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data (query and form fields, path parameters, headers, uploaded file names) that reaches a file-system operation as a path or part of one: `open`, `send_file`, `os.remove`, `shutil` functions, `pathlib.Path` methods, `FileResponse`. The finding carries the path the data took from the request.',
      whyIsThisBad:
        "A name such as `../../etc/passwd` or an absolute path makes the program read, overwrite or delete files outside the directory it meant to use: configuration with credentials, other users' data, the application's own code. Joining with a base directory does not help: `os.path.join('/srv/files', '/etc/passwd')` is `/etc/passwd`.",
      example: [
        'from flask import Flask, request, send_file',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/download")',
        'def download():',
        '    name = request.args.get("file")',
        '    return send_file("/srv/files/" + name)',
      ].join('\n'),
      useInstead: [
        'from flask import Flask, request, send_from_directory',
        'from werkzeug.utils import secure_filename',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/download")',
        'def download():',
        '    # send_from_directory refuses names that leave the directory; secure_filename drops path parts.',
        '    return send_from_directory("/srv/files", secure_filename(request.args.get("file", "")))',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/22.html',
        'https://owasp.org/www-community/attacks/Path_Traversal',
        'https://flask.palletsprojects.com/en/stable/api/#flask.send_from_directory',
        'https://werkzeug.palletsprojects.com/en/stable/utils/#werkzeug.utils.secure_filename',
      ],
      knownProblems:
        'Recognised as safe: `os.path.basename`, `secure_filename`, `get_valid_filename`, `safe_join`, an allow-list check (`if name not in ALLOWED: abort(404)`), and a prefix check after normalising (`if not os.path.realpath(p).startswith(BASE): abort(403)`, `os.path.commonpath`). A custom check Vigil does not know is not recognised unless its name says so (`validate_…`, `is_safe_…`). Only data from requests counts: a command-line tool opening the file its user names is not flagged.',
    },
  },
});
