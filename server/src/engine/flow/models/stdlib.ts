import type { LibraryModel, SinkRow } from '../concepts';

/**
 * The standard library: process inputs, the file system, processes, code execution, deserialization, XML,
 * regular expressions, logging, string and path helpers. https://docs.python.org/3/library/
 */

const pathSinks = (callee: string, args: SinkRow['args'] = [0]): SinkRow => ({ callee, concept: 'path', args, label: `\`${callee.split('.').pop()}()\` uses it as a file path` });
const LOG_METHODS = ['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log'];
const STRING_METHODS = [
  'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'title', 'capitalize', 'casefold', 'swapcase', 'format', 'format_map',
  'encode', 'decode', 'split', 'rsplit', 'splitlines', 'partition', 'rpartition', 'zfill', 'ljust', 'rjust', 'center',
  'removeprefix', 'removesuffix', 'expandtabs', 'getlist', 'popitem', 'items', 'keys',
  'values', 'copy', 'to_dict', 'dict', 'read', 'readline', 'readlines', 'getvalue', 'join', 'replace', 'translate',
  'group', 'groups', 'groupdict', 'json', 'text', 'post', 'body', 'iter_lines', 'iter_content', 'getone', 'getall',
];

export const stdlib: LibraryModel = {
  name: 'Python standard library',
  sources: [
    { value: 'sys.argv', kind: 'local', label: 'command-line argument' },
    { value: 'os.environ', kind: 'local', label: 'environment variable' },
    { value: 'os.environb', kind: 'local', label: 'environment variable' },
    { call: 'os.getenv', kind: 'local', label: 'environment variable' },
    { call: 'os.getenvb', kind: 'local', label: 'environment variable' },
    { call: 'input', kind: 'local', label: 'console input' },
    { call: 'raw_input', kind: 'local', label: 'console input' },
    { value: 'sys.stdin', kind: 'local', label: 'standard input' },
    { object: 'argparse.ArgumentParser', members: ['parse_args', 'parse_known_args', 'parse_intermixed_args'], kind: 'local', label: 'command-line argument' },
    { object: 'optparse.OptionParser', members: ['parse_args'], kind: 'local', label: 'command-line argument' },
  ],
  summaries: [
    { callee: 'argparse.ArgumentParser', from: [], returns: 'argparse.ArgumentParser' },
    { callee: 'optparse.OptionParser', from: [], returns: 'optparse.OptionParser' },
    { callee: 'logging.getLogger', from: [], returns: 'logging.Logger' },
    { callee: 'logging.LoggerAdapter', from: [], returns: 'logging.Logger' },
    ...['os.path.join', 'os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'os.path.expanduser', 'os.path.dirname',
      'os.path.splitext', 'os.path.split', 'os.fspath', 'os.fsdecode', 'os.fsencode', 'posixpath.join', 'str', 'bytes',
      'bytearray', 'list', 'tuple', 'set', 'dict', 'sorted', 'reversed', 'next', 'iter', 'min', 'max', 'format', 'memoryview',
      'urllib.parse.unquote', 'urllib.parse.unquote_plus', 'urllib.parse.urljoin', 'urllib.parse.urlparse',
      'urllib.parse.urlsplit', 'urllib.parse.parse_qs', 'urllib.parse.parse_qsl', 'base64.b64decode', 'base64.urlsafe_b64decode',
      'base64.b64encode', 'binascii.unhexlify', 'json.loads', 'json.load', 'codecs.decode', 'copy.copy', 'copy.deepcopy',
      'textwrap.dedent', 'string.Template', 'io.StringIO', 'io.BytesIO', 'collections.OrderedDict', 'shlex.split',
      'os.path.basename',
    ].map((callee) => ({ callee, from: ['*' as const] })),
    { callee: 'pathlib.Path', from: ['*'], returns: 'pathlib.Path' },
    { callee: 'pathlib.PurePath', from: ['*'], returns: 'pathlib.Path' },
    { callee: 'pathlib.PosixPath', from: ['*'], returns: 'pathlib.Path' },
    { callee: 'pathlib.Path.joinpath', from: ['receiver', '*'], returns: 'pathlib.Path' },
    // `Path(base) / name`: the operator is the method `__truediv__`.
    { callee: 'pathlib.Path.__truediv__', from: ['receiver', 0], returns: 'pathlib.Path' },
    { callee: 'pathlib.Path.resolve', from: ['receiver'], returns: 'pathlib.Path' },
    { callee: 'pathlib.Path.absolute', from: ['receiver'], returns: 'pathlib.Path' },
    ...STRING_METHODS.map((method) => ({ method, from: ['receiver' as const, '*' as const] })),
    { method: 'append', from: ['*'] },
    // A lookup returns what the mapping holds, or the default: not the key (`TEMPLATES.get(name, DEFAULT)` is a constant).
    ...['get', 'pop', 'setdefault'].map((method) => ({ method, from: ['receiver' as const, 1, 'default'] })),
  ],
  sinks: [
    // Files and directories.
    pathSinks('open', [0, 'file']), pathSinks('io.open', [0, 'file']), pathSinks('codecs.open', [0, 'filename']),
    pathSinks('os.open', [0, 'path']), pathSinks('os.remove'), pathSinks('os.unlink'), pathSinks('os.rmdir'),
    pathSinks('os.removedirs'), pathSinks('os.listdir'), pathSinks('os.scandir'), pathSinks('os.mkdir'), pathSinks('os.makedirs'),
    pathSinks('os.rename', [0, 1]), pathSinks('os.replace', [0, 1]), pathSinks('os.chmod'), pathSinks('os.chown'),
    pathSinks('os.symlink', [0, 1]), pathSinks('os.link', [0, 1]), pathSinks('os.truncate'), pathSinks('os.stat'),
    pathSinks('shutil.rmtree'), pathSinks('shutil.copy', [0, 1]), pathSinks('shutil.copy2', [0, 1]),
    pathSinks('shutil.copyfile', [0, 1]), pathSinks('shutil.copytree', [0, 1]), pathSinks('shutil.move', [0, 1]),
    pathSinks('shutil.make_archive', [0, 2]), pathSinks('shutil.unpack_archive', [0, 1]),
    pathSinks('tarfile.open', [0, 'name']), pathSinks('zipfile.ZipFile', [0, 'file']),
    pathSinks('linecache.getline'), pathSinks('fileinput.input'),
    ...['open', 'read_text', 'read_bytes', 'write_text', 'write_bytes', 'unlink', 'rmdir', 'mkdir', 'touch', 'rename', 'iterdir', 'glob'].map(
      (method): SinkRow => ({ callee: `pathlib.Path.${method}`, concept: 'path', args: ['receiver'], label: `\`.${method}()\` uses it as a file path` }),
    ),
    // Processes.
    { callee: 'os.system', concept: 'command', args: [0, 'command'], label: '`os.system()` runs it in a shell' },
    { callee: 'os.popen', concept: 'command', args: [0, 'cmd'], label: '`os.popen()` runs it in a shell' },
    ...['run', 'call', 'check_call', 'check_output', 'Popen', 'getoutput', 'getstatusoutput'].map(
      (fn): SinkRow => ({ callee: `subprocess.${fn}`, concept: 'command', args: [0, 'args', 'cmd'], label: `\`subprocess.${fn}()\` runs it` }),
    ),
    ...['execl', 'execle', 'execlp', 'execlpe', 'execv', 'execve', 'execvp', 'execvpe', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe', 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'posix_spawn', 'posix_spawnp'].map(
      (fn): SinkRow => ({ callee: `os.${fn}`, concept: 'command', args: ['*'], label: `\`os.${fn}()\` runs it` }),
    ),
    { callee: 'asyncio.create_subprocess_shell', concept: 'command', args: [0, 'cmd'], label: '`create_subprocess_shell()` runs it in a shell' },
    { callee: 'asyncio.create_subprocess_exec', concept: 'command', args: ['*'], label: '`create_subprocess_exec()` runs it' },
    { callee: 'commands.getoutput', concept: 'command', args: [0], label: '`commands.getoutput()` runs it in a shell' },
    { callee: 'pty.spawn', concept: 'command', args: [0], label: '`pty.spawn()` runs it' },
    // Code.
    { callee: 'eval', concept: 'code', args: [0, 'source'], label: '`eval()` runs it as Python' },
    { callee: 'exec', concept: 'code', args: [0, 'source'], label: '`exec()` runs it as Python' },
    { callee: 'compile', concept: 'code', args: [0, 'source'], label: '`compile()` compiles it as Python' },
    { callee: '__import__', concept: 'code', args: [0, 'name'], label: '`__import__()` imports the module it names' },
    { callee: 'importlib.import_module', concept: 'code', args: [0, 'name'], label: '`import_module()` imports the module it names' },
    // Deserialization: models/serialization.ts.
    // XML with the standard library's parsers (entity expansion; https://docs.python.org/3/library/xml.html#xml-vulnerabilities).
    ...['xml.etree.ElementTree.fromstring', 'xml.etree.ElementTree.XML', 'xml.etree.ElementTree.parse', 'xml.etree.ElementTree.iterparse',
      'xml.etree.cElementTree.fromstring', 'xml.etree.cElementTree.parse', 'xml.dom.minidom.parseString', 'xml.dom.minidom.parse',
      'xml.dom.pulldom.parseString', 'xml.sax.parseString', 'xml.sax.parse', 'xmlrpc.client.loads'].map(
      (callee): SinkRow => ({ callee, concept: 'xml', args: [0], label: `\`${callee.split('.').pop()}()\` parses it as XML` }),
    ),
    // Regular expressions: the pattern argument.
    ...['compile', 'match', 'fullmatch', 'search', 'findall', 'finditer', 'sub', 'subn', 'split'].map(
      (fn): SinkRow => ({ callee: `re.${fn}`, concept: 'regex', args: [0, 'pattern'], label: `\`re.${fn}()\` compiles it as a regular expression` }),
    ),
    // Logging.
    ...LOG_METHODS.flatMap((method): SinkRow[] => [
      { callee: `logging.${method}`, concept: 'log', args: ['*'], label: `\`logging.${method}()\` writes it to the log` },
      { callee: `logging.Logger.${method}`, concept: 'log', args: ['*'], label: `\`.${method}()\` writes it to the log` },
    ]),
    // Outgoing requests.
    { callee: 'urllib.request.urlopen', concept: 'url', args: [0, 'url'], label: '`urlopen()` fetches it' },
    { callee: 'urllib.request.Request', concept: 'url', args: [0, 'url'], label: '`Request()` will fetch it' },
    { callee: 'urllib.request.urlretrieve', concept: 'url', args: [0, 'url'], label: '`urlretrieve()` fetches it' },
    { callee: 'urllib2.urlopen', concept: 'url', args: [0, 'url'], label: '`urlopen()` fetches it' },
    { callee: 'http.client.HTTPConnection', concept: 'url', args: [0, 'host'], label: '`HTTPConnection()` connects to it' },
    { callee: 'http.client.HTTPSConnection', concept: 'url', args: [0, 'host'], label: '`HTTPSConnection()` connects to it' },
    { callee: 'socket.create_connection', concept: 'url', args: [0, 'address'], label: '`create_connection()` connects to it' },
    { callee: 'ftplib.FTP', concept: 'url', args: [0, 'host'], label: '`FTP()` connects to it' },
    { callee: 'smtplib.SMTP', concept: 'url', args: [0, 'host'], label: '`SMTP()` connects to it' },
    // Configuration settings (https://docs.python.org/3/library/configparser.html).
    ...['configparser.ConfigParser.set', 'configparser.RawConfigParser.set'].map((callee): SinkRow => ({
      callee, concept: 'config', args: [1, 2, 'option', 'value'], label: '`.set()` writes it into the configuration',
    })),
  ],
  sanitizers: [
    ...['int', 'float', 'bool', 'len', 'abs', 'round', 'ord', 'hash', 'complex', 'uuid.UUID', 'decimal.Decimal', 'datetime.date.fromisoformat',
      'datetime.datetime.fromisoformat', 'datetime.datetime.strptime', 'math.floor', 'math.ceil', 'id', 'isinstance', 'hasattr', 'callable',
      'os.path.exists', 'os.path.isfile', 'os.path.isdir', 'os.path.getsize', 'hmac.compare_digest', 'secrets.compare_digest',
      'hashlib.sha256', 'hashlib.sha1', 'hashlib.md5', 'hashlib.sha512', 'hashlib.blake2b', 'any', 'all', 'sum',
      'ipaddress.ip_network',
    ].map((callee) => ({ callee, concepts: 'all' as const })),
    { callee: 'ipaddress.ip_address', concepts: ['sql', 'command', 'code', 'path', 'html', 'template', 'log', 'ldap', 'xpath', 'regex', 'header', 'redirect'] },
    { callee: 'os.path.basename', concepts: ['path'] },
    { callee: 'shlex.quote', concepts: ['command'] },
    { callee: 'pipes.quote', concepts: ['command'] },
    { callee: 'shlex.join', concepts: ['command'] },
    // `html.escape()` leaves CR and LF alone: no help in a header.
    { callee: 'html.escape', concepts: ['html'] },
    { callee: 'cgi.escape', concepts: ['html'] },
    // `escape()` replaces &, < and >, not quotes: no help inside an XPath string literal.
    { callee: 'xml.sax.saxutils.escape', concepts: ['html'] },
    { callee: 'xml.sax.saxutils.quoteattr', concepts: ['html', 'xpath'] },
    { callee: 'urllib.parse.quote', concepts: ['html', 'header', 'redirect', 'url', 'log', 'command', 'path'] },
    { callee: 'urllib.parse.quote_plus', concepts: ['html', 'header', 'redirect', 'url', 'log', 'command', 'path'] },
    { callee: 'urllib.parse.urlencode', concepts: ['html', 'header', 'redirect', 'url', 'log', 'command', 'path'] },
    { callee: 're.escape', concepts: ['regex'] },
    { callee: 'repr', concepts: ['log', 'header'] },
    // JSON escapes line breaks and quotes: one value stays one value in a log line, a header or a config line.
    { callee: 'json.dumps', concepts: ['log', 'header', 'html', 'config'] },
    { callee: 'ast.literal_eval', concepts: ['code'] },
    { method: 'isdigit', concepts: 'all' },
    { method: 'isnumeric', concepts: 'all' },
    { method: 'isdecimal', concepts: 'all' },
    { method: 'isalnum', concepts: 'all' },
    { method: 'isalpha', concepts: 'all' },
    { method: 'isidentifier', concepts: 'all' },
    { method: 'startswith', concepts: 'all' },
    { method: 'endswith', concepts: 'all' },
    { method: 'count', concepts: 'all' },
    { method: 'index', concepts: 'all' },
    { method: 'find', concepts: 'all' },
    { method: 'hexdigest', concepts: 'all' },
    { method: 'digest', concepts: 'all' },
  ],
  guards: [
    { callee: 're.fullmatch', args: [1, 'string'], concepts: 'all' },
    { callee: 're.match', args: [1, 'string'], concepts: 'all' },
    { method: 'fullmatch', args: [0, 'string'], concepts: 'all' },
    { method: 'match', args: [0, 'string'], concepts: 'all' },
    { method: 'isdigit', args: ['receiver'], concepts: 'all' },
    { method: 'isnumeric', args: ['receiver'], concepts: 'all' },
    { method: 'isdecimal', args: ['receiver'], concepts: 'all' },
    { method: 'isalnum', args: ['receiver'], concepts: 'all' },
    { method: 'isalpha', args: ['receiver'], concepts: 'all' },
    { method: 'isidentifier', args: ['receiver'], concepts: 'all' },
    { callee: 'isinstance', args: [0], concepts: 'all' },
    // After normalising, a prefix check keeps a path inside its base directory.
    { method: 'startswith', args: ['receiver'], concepts: ['path'] },
    { method: 'is_relative_to', args: ['receiver'], concepts: ['path'] },
  ],
  terminators: ['sys.exit', 'exit', 'quit', 'os._exit', 'os.abort'],
  aliases: {
    // `path.parent` is a path too (`Path(dest, name).parent.mkdir()`).
    'pathlib.Path.parent': 'pathlib.Path',
    'logging.RootLogger': 'logging.Logger',
    'oslo_log.log.getLogger': 'logging.getLogger',
    'oslo_log.log.KeywordArgumentAdapter': 'logging.Logger',
    // Flask's application logger is a standard `logging.Logger` (https://flask.palletsprojects.com/en/stable/logging/).
    'flask.Flask.logger': 'logging.Logger',
    'flask.app.Flask.logger': 'logging.Logger',
    'flask.current_app.logger': 'logging.Logger',
  },
};
