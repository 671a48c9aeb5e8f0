import { defineFlowRule } from '../flowRule';

export default defineFlowRule({
  concept: 'path',
  kinds: ['archive'],
  // `os.symlink(member.linkname, os.path.join(dest, member.name))`, `shutil.copy(…, …)`: one flaw per call.
  onePerSink: true,
  message: (hit, source) =>
    `${hit.label} at a path built from an archive member name (${source}): a crafted archive names members \`../../…\` or \`/…\` to write outside the destination directory (zip slip); resolve the target and check that it stays under the destination (\`os.path.realpath(target).startswith(os.path.realpath(dest) + os.sep)\`, \`os.path.commonpath\`), or let \`ZipFile.extract\` or \`tarfile\`'s \`filter="data"\` unpack it`,
  meta: {
    id: 'VG116',
    name: 'archive-path-traversal',
    title: 'File path built from an archive member name (zip slip)',
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
        'Flags the name of a member of a zip, tar, 7z or RAR archive (`ZipFile.namelist()`, `ZipInfo.filename` from `infolist()`, `TarFile.getnames()`, `TarInfo.name` and `.linkname` from `getmembers()` or from iterating the archive, `py7zr` and `rarfile` equivalents) that reaches a file-system operation as a path or part of one: `open`, `os.makedirs`, `os.symlink`, `shutil` functions, `pathlib.Path` methods. It follows the name through assignments, `os.path.join`, `/` on a `Path` and same-file helper functions, and the finding carries that path.',
      whyIsThisBad:
        "Whoever made the archive chose its member names. A name such as `../../home/app/.ssh/authorized_keys` or `/etc/cron.d/job`, joined to the destination directory, writes outside it (\"zip slip\"): joining does not help, since `os.path.join(dest, '/etc/passwd')` is `/etc/passwd`. Unpacking an uploaded or downloaded archive by hand this way lets its author overwrite configuration, code or keys anywhere the process can write, which often ends in code execution. A tar member's `linkname` made into a symlink points anywhere, and later members are written through it.",
      example: [
        'import os',
        'import zipfile',
        '',
        '',
        'def unpack(archive_path, dest):',
        '    with zipfile.ZipFile(archive_path) as archive:',
        '        for name in archive.namelist():',
        '            target = os.path.join(dest, name)',
        '            os.makedirs(os.path.dirname(target), exist_ok=True)',
        '            with open(target, "wb") as out:',
        '                out.write(archive.read(name))',
      ].join('\n'),
      useInstead: [
        'import os',
        'import zipfile',
        '',
        '',
        'def unpack(archive_path, dest):',
        '    root = os.path.realpath(dest)',
        '    with zipfile.ZipFile(archive_path) as archive:',
        '        for name in archive.namelist():',
        '            target = os.path.realpath(os.path.join(root, name))',
        '            # Refuse names that resolve outside the destination directory.',
        '            if not target.startswith(root + os.sep):',
        '                raise ValueError(f"unsafe member name in archive: {name!r}")',
        '            os.makedirs(os.path.dirname(target), exist_ok=True)',
        '            with open(target, "wb") as out:',
        '                out.write(archive.read(name))',
        '',
        '',
        '# Or let the library do it: ZipFile.extractall(dest) drops `..` and absolute parts of names;',
        '# tarfile: archive.extractall(dest, filter="data") (Python 3.12, and security releases back to 3.8).',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/22.html',
        'https://security.snyk.io/research/zip-slip-vulnerability',
        'https://docs.python.org/3/library/zipfile.html#zipfile.ZipFile.extract',
        'https://docs.python.org/3/library/tarfile.html#extraction-filters',
        'https://codeql.github.com/codeql-query-help/python/py-zipslip/',
      ],
      knownProblems:
        'Recognised as safe: `os.path.basename`, `secure_filename`, an allow-list check, a check after normalising that stops the extraction (`if not os.path.realpath(target).startswith(root + os.sep): raise …`, `os.path.commonpath([root, target]) == root`, `Path.is_relative_to`), a helper named like a containment check (`if not is_within_directory(dest, target): raise`, as pip does; `is_subpath`, `is_inside_…`), and a condition that refuses both absolute names and `..` (`if name.startswith("/") or ".." in name: continue`, as `shutil` does; `os.path.isabs`, `".." in Path(name).parts`). A check for `..` alone is not enough and is still reported. A value computed from the name before the check (`dir = os.path.dirname(target)` above `if not is_within_directory(dest, target)`) is still reported, and so is a name passed to a helper that cleans it but not another of its arguments (`write(dest, name)` doing `os.path.join(dest, os.path.basename(name))`). Archives are recognised when Vigil knows their type: opened in the same function or module (`zipfile.ZipFile(…)`, `tarfile.open(…)`, `with … as archive`) or a parameter annotated `zipfile.ZipFile`, `tarfile.TarFile`, `ZipInfo` or `TarInfo`; an unannotated parameter or an attribute (`self.archive`) is not followed. `ZipFile.extract`/`extractall` are not reported (they sanitize names); `TarFile.extract`/`extractall` without a filter are VG204\'s. Members are followed through `infolist()`, `getmembers()`, `getmember()`, `getinfo()`, `next()`, iterating a `TarFile`, and `sorted`/`list` of them, not through a list built from them by hand. A destination that is a parameter annotated `Path` is not known to be a path (`(dest / name).write_bytes(…)` is missed).',
    },
  },
});
