import type { LibraryModel, SourceRow, SummaryRow } from '../concepts';

/**
 * Archives: the names of the members of a zip, tar, 7z or RAR archive are chosen by whoever made the archive, so a
 * path built from one can leave the directory it is unpacked into (`../../home/app/.bashrc`, `/etc/cron.d/job`: "zip
 * slip", CWE-22). The names are `archive` sources; VG116 follows them to file-system paths.
 *
 * Member objects are typed, so that only their names are sources (`info.file_size` is not): a method returning a list
 * of members returns `list[…]` of the member type, and iterating an archive is its `__iter__` method, whose summary
 * gives the member type (`for member in tar:`), as a binary operator is its left operand's method.
 *
 * Reading a member (`ZipFile.read(name)`, `open`, `TarFile.extractfile`) looks the name up inside the archive and
 * is no path sink; `ZipFile.extract`/`extractall` sanitize names themselves, and tar extraction is VG204's.
 *
 * https://docs.python.org/3/library/zipfile.html, https://docs.python.org/3/library/tarfile.html,
 * https://py7zr.readthedocs.io/en/latest/api.html, https://rarfile.readthedocs.io/api.html
 */

const ZIP_LIKE = ['zipfile.ZipFile', 'rarfile.RarFile'];
const LABEL = 'archive member name';

const sources: SourceRow[] = [
  // Names, as strings.
  ...ZIP_LIKE.map((archive): SourceRow => ({ object: archive, members: ['namelist'], kind: 'archive', label: LABEL })),
  { object: 'tarfile.TarFile', members: ['getnames'], kind: 'archive', label: LABEL },
  { object: 'py7zr.SevenZipFile', members: ['getnames', 'namelist'], kind: 'archive', label: LABEL },
  // The names (and link targets) members carry.
  { object: 'zipfile.ZipInfo', members: ['filename', 'orig_filename'], kind: 'archive', label: LABEL },
  { object: 'rarfile.RarInfo', members: ['filename', 'orig_filename'], kind: 'archive', label: LABEL },
  { object: 'tarfile.TarInfo', members: ['name', 'path', 'linkname', 'linkpath'], kind: 'archive', label: LABEL },
  { object: 'py7zr.FileInfo', members: ['filename'], kind: 'archive', label: LABEL },
];

const summaries: SummaryRow[] = [
  // Opening an archive.
  { callee: 'tarfile.open', from: [], returns: 'tarfile.TarFile' },
  ...['open', 'taropen', 'gzopen', 'bz2open', 'xzopen'].map((fn): SummaryRow => ({ callee: `tarfile.TarFile.${fn}`, from: [], returns: 'tarfile.TarFile' })),
  // Its members.
  ...ZIP_LIKE.flatMap((archive): SummaryRow[] => {
    const info = archive === 'zipfile.ZipFile' ? 'zipfile.ZipInfo' : 'rarfile.RarInfo';
    return [
      { callee: `${archive}.infolist`, from: [], returns: `list[${info}]` },
      { callee: `${archive}.getinfo`, from: [], returns: info },
    ];
  }),
  { callee: 'zipfile.ZipInfo.from_file', from: [], returns: 'zipfile.ZipInfo' },
  { callee: 'tarfile.TarFile.getmembers', from: [], returns: 'list[tarfile.TarInfo]' },
  { callee: 'tarfile.TarFile.getmember', from: [], returns: 'tarfile.TarInfo' },
  { callee: 'tarfile.TarFile.next', from: [], returns: 'tarfile.TarInfo' },
  { callee: 'tarfile.TarFile.__iter__', from: [], returns: 'tarfile.TarInfo' },
  { callee: 'py7zr.SevenZipFile.list', from: [], returns: 'list[py7zr.FileInfo]' },
];

/** Parameters annotated with an archive or member type have it (`def unpack(tar: tarfile.TarFile, dest):`). */
const ANNOTATED = ['zipfile.ZipFile', 'zipfile.ZipInfo', 'tarfile.TarFile', 'tarfile.TarInfo', 'rarfile.RarFile', 'rarfile.RarInfo', 'py7zr.SevenZipFile'];

export const archives: LibraryModel = {
  name: 'Archives (zipfile, tarfile, py7zr, rarfile)',
  sources,
  summaries,
  requestParameters: ANNOTATED.map((type) => ({ type, annotations: [type] })),
  aliases: {
    'py7zr.py7zr.SevenZipFile': 'py7zr.SevenZipFile',
    'py7zr.py7zr.FileInfo': 'py7zr.FileInfo',
  },
};
