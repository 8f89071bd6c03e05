import { crc32 } from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';
import { fromBufferPromise, getFileNameLowLevel } from 'yauzl';
import type { ValidationIssue } from '../input/issues';
import { InputRejected } from '../input/issues';
import { LIMITS } from '../input/limits';

export type ZipLimits = Record<'maxFiles' | 'maxZipUncompressedBytes' | 'maxFileBytes', number>;

export interface ReadZipOptions {
  /** The zip's own name (relative to the study folder), for the issues' `file`. */
  name?: string;
  /** Overrides of LIMITS, for tests. */
  limits?: Partial<ZipLimits>;
}

export interface UnzippedFile {
  /** The entry's path inside the zip, `/`-separated. */
  name: string;
  bytes: Uint8Array;
}

/**
 * Reads the files of a zip held in memory; nothing touches the disk. Everything is decided from the central
 * directory before any entry is inflated: unsafe paths (absolute, drive letter, `..`: ZIP_UNSAFE_PATH, every
 * one named), too many files (TOO_MANY_FILES), declared sizes over the limits (ZIP_TOO_LARGE,
 * FILE_TOO_LARGE). While inflating, an entry that grows past its declared size stops at once
 * (ZIP_TOO_LARGE: a zip bomb lying about its size); a short, undecodable or CRC-failing entry, an encrypted
 * one or an unreadable archive is ZIP_CORRUPT. Directories, `__MACOSX/`, dotfiles and symlinks are skipped;
 * only the files kept count toward LIMITS.maxFiles.
 */
export async function readZip(bytes: Uint8Array, options: ReadZipOptions = {}): Promise<UnzippedFile[]> {
  const limits: ZipLimits = { ...LIMITS, ...options.limits };
  const file = options.name;
  const corrupt = (message: string, field?: string) =>
    new InputRejected([{ code: 'ZIP_CORRUPT', file, field, message }]);
  let zip: ZipFile;
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // decodeStrings: false so that unsafe names are reported by name here, not as one opaque error.
    zip = await fromBufferPromise(buffer, {
      lazyEntries: true,
      validateEntrySizes: true,
      decodeStrings: false,
    });
  } catch (error) {
    throw corrupt(`not a readable zip archive: ${messageOf(error)}`);
  }
  try {
    const entries = await listEntries(zip, limits, file).catch((error: unknown) => {
      throw error instanceof InputRejected
        ? error
        : corrupt(`unreadable central directory: ${messageOf(error)}`);
    });
    const files: UnzippedFile[] = [];
    for (const { entry, name } of entries) {
      try {
        files.push({ name, bytes: await inflateEntry(zip, entry) });
      } catch (error) {
        const message = `entry ${name}: ${messageOf(error)}`;
        const bomb = /too many bytes/.test(message);
        if (!bomb) throw corrupt(message, name);
        throw new InputRejected([
          { code: 'ZIP_TOO_LARGE', file, field: name, message: `${message} (zip bomb?)` },
        ]);
      }
    }
    return files;
  } finally {
    zip.close();
  }
}

/** Why an entry path may not be used, or undefined when it is safe. */
export function unsafeZipPath(name: string): string | undefined {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  if (name.split('/').includes('..')) return 'a ".." component leaves the archive';
  if (name.includes('\0')) return 'NUL character in the name';
  return undefined;
}

/** Directories, macOS resource forks (`__MACOSX/`) and hidden files or folders carry no image. */
export function isSkippedZipPath(name: string): boolean {
  if (name === '' || name.endsWith('/')) return true;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return parts[0] === '__MACOSX' || parts.some((p) => p.startsWith('.'));
}

/** Unix symlinks (mode S_IFLNK in the high half of the external attributes) hold a path, not an image. */
function isSymlink(entry: Entry): boolean {
  return ((entry.externalFileAttributes >>> 16) & 0o170000) === 0o120000;
}

async function listEntries(
  zip: ZipFile,
  limits: ZipLimits,
  file: string | undefined,
): Promise<{ entry: Entry; name: string }[]> {
  const issues: ValidationIssue[] = [];
  const kept: { entry: Entry; name: string }[] = [];
  let declared = 0;
  for await (const entry of zip.eachEntry()) {
    const name = getFileNameLowLevel(
      entry.generalPurposeBitFlag,
      entry.fileNameRaw,
      entry.extraFields,
      false,
    );
    const unsafe = unsafeZipPath(name);
    if (unsafe) {
      issues.push({ code: 'ZIP_UNSAFE_PATH', file, field: name, message: `entry "${name}": ${unsafe}` });
      continue;
    }
    if (isSkippedZipPath(name) || isSymlink(entry)) continue;
    if (kept.length === limits.maxFiles) {
      // Stop reading the directory: however many more there are, the answer is the same.
      const message = `more than ${limits.maxFiles} files in the zip`;
      throw new InputRejected([...issues, { code: 'TOO_MANY_FILES', file, message }]);
    }
    if (entry.uncompressedSize > limits.maxFileBytes) {
      const message = `entry "${name}" declares ${entry.uncompressedSize} bytes, more than ${limits.maxFileBytes}`;
      issues.push({ code: 'FILE_TOO_LARGE', file, field: name, message });
    }
    declared += entry.uncompressedSize;
    kept.push({ entry, name });
  }
  if (declared > limits.maxZipUncompressedBytes) {
    const message = `the entries declare ${declared} bytes uncompressed, more than ${limits.maxZipUncompressedBytes}`;
    issues.push({ code: 'ZIP_TOO_LARGE', file, message });
  }
  if (issues.length > 0) throw new InputRejected(issues);
  return kept;
}

/** Inflates one entry into a buffer of its declared size; yauzl stops the stream if it outgrows it. */
async function inflateEntry(zip: ZipFile, entry: Entry): Promise<Uint8Array> {
  if (entry.isEncrypted()) throw new Error('the entry is encrypted');
  const stream = await zip.openReadStreamPromise(entry);
  const out = new Uint8Array(entry.uncompressedSize);
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (length + chunk.length > out.length)
        throw new Error(`too many bytes: more than ${out.length} declared`);
      out.set(chunk, length);
      length += chunk.length;
    }
  } finally {
    stream.destroy();
  }
  if (length !== out.length) throw new Error(`${length} bytes inflated, ${out.length} declared`);
  if (crc32(out) !== entry.crc32 >>> 0) throw new Error('CRC-32 mismatch: the entry is damaged');
  return out;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
