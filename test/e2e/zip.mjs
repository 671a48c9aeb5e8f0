// Reads a zip file (a .vsix) without unpacking it: the names in its central directory, and one entry's bytes.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

function centralDirectory(zip, path) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${path} is not a zip file`);
  const entries = [];
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0, count = zip.readUInt16LE(end + 10); i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: broken central directory`);
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      localHeader: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** The names of every entry. */
export function zipEntries(path) {
  return centralDirectory(readFileSync(path), path).map((entry) => entry.name);
}

/** The content of entry `name` (stored or deflated), or undefined if there is none. */
export function readZipEntry(path, name) {
  const zip = readFileSync(path);
  const entry = centralDirectory(zip, path).find((candidate) => candidate.name === name);
  if (!entry) return undefined;
  const header = entry.localHeader;
  const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${path}: ${name} uses compression method ${entry.method}`);
}
