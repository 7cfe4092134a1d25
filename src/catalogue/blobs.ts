/**
 * Book pictures as content-addressed blobs, kept out of Redis: one file per distinct content under
 * `<DATA_DIR>/blobs/<first two hex digits>/<sha256 hex>`. A file is written to a temporary name and
 * renamed into place, so a reader never sees a partial blob; content already present is not rewritten.
 */
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const HASH = /^[0-9a-f]{64}$/;

/** sha256 hex of the bytes: a blob's address. */
export const blobHash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const startsWith = (bytes: Uint8Array, prefix: number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The media type of a picture, from its magic bytes. */
export function contentType(bytes: Uint8Array): string {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return 'application/octet-stream';
}

export class BlobStore {
  /** The folder holding the blobs: the `blobs` folder of the service's DATA_DIR. */
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'blobs');
  }

  /** The file of a blob; throws on anything that is not a sha256 hex (no path tricks). */
  path(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`not a blob hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash);
  }

  async has(hash: string): Promise<boolean> {
    return access(this.path(hash)).then(
      () => true,
      () => false,
    );
  }

  /** Stores the bytes unless present; answers their hash and whether this call wrote them. */
  async store(bytes: Uint8Array): Promise<{ hash: string; written: boolean }> {
    const hash = blobHash(bytes);
    const target = this.path(hash);
    if (await this.has(hash)) return { hash, written: false };
    await mkdir(join(this.root, hash.slice(0, 2)), { recursive: true });
    const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(bytes);
        await file.datasync();
      } finally {
        await file.close();
      }
      // Two writers of the same content rename identical files: either one wins, both are right.
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { hash, written: true };
  }

  /** Stores the bytes unless present; answers their hash. */
  async put(bytes: Uint8Array): Promise<string> {
    return (await this.store(bytes)).hash;
  }

  /** The bytes of a blob, or undefined when there is none with that hash. */
  async read(hash: string): Promise<Buffer | undefined> {
    if (!HASH.test(hash)) return undefined;
    try {
      return await readFile(this.path(hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
