/**
 * The artifact store: content-addressed bytes shared between machines, keyed by their sha256.
 * Trial inputs (tensor files) and outputs (model files) travel through it, and `assay cache
 * push/pull` moves run folders through it. Backends (one file each, one line in `BACKENDS`):
 * a shared directory (`file:///mnt/assay-store`) and S3-compatible object storage
 * (`s3://bucket/prefix`). Every `get` is verified against the hash it was asked for: a missing
 * or corrupt artifact is an error naming the hash, never a silent substitute.
 */
import { createHash } from 'node:crypto';
import { AssayError, UsageError } from '../core/errors.js';
import { redactUrl } from '../core/redact.js';

/** What a backend does: raw bytes by name, nothing verified (the store verifies). */
export interface BlobBackend {
  /** The store's URL without credentials, for messages and records. */
  readonly shown: string;
  /** The bytes at `name`, or null when absent. */
  read(name: string): Promise<Buffer | null>;
  /** Write `name` (whole, atomically as the backend allows; an existing name may be replaced). */
  write(name: string, bytes: Uint8Array): Promise<void>;
  exists(name: string): Promise<boolean>;
}

const HASH = /^[0-9a-f]{64}$/;

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `s` has the shape of a sha256 hex digest (jobs and manifests are checked with this). */
export function isHash(s: unknown): s is string {
  return typeof s === 'string' && HASH.test(s);
}

function objectName(hash: string): string {
  return `sha256/${hash.slice(0, 2)}/${hash}`;
}

export class ArtifactStore {
  constructor(private readonly backend: BlobBackend) {}

  /** The store's URL without credentials. */
  get shown(): string {
    return this.backend.shown;
  }

  /** Store `bytes` (skipped when already there) and return their sha256. */
  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256Bytes(bytes);
    if (!(await this.backend.exists(objectName(hash)))) await this.backend.write(objectName(hash), bytes);
    return hash;
  }

  /**
   * The bytes whose sha256 is `hash`.
   * @throws AssayError `artifact.missing` / `artifact.corrupt`, naming the hash and the store.
   */
  async get(hash: string): Promise<Buffer> {
    if (!isHash(hash)) throw new AssayError('artifact.hash', `not a sha256 artifact hash: ${JSON.stringify(String(hash).slice(0, 80))}`);
    const bytes = await this.backend.read(objectName(hash));
    if (bytes === null) throw new AssayError('artifact.missing', `artifact sha256:${hash} is missing from the store ${this.shown}`);
    const got = sha256Bytes(bytes);
    if (got !== hash) throw new AssayError('artifact.corrupt', `artifact sha256:${hash} in the store ${this.shown} is corrupt: its ${bytes.length} bytes hash to ${got}`);
    return bytes;
  }

  async has(hash: string): Promise<boolean> {
    return isHash(hash) && this.backend.exists(objectName(hash));
  }

  /** A small named record (a pushed run's manifest), replaced on each write. */
  async putRef(name: string, bytes: Uint8Array): Promise<void> {
    await this.backend.write(refName(name), bytes);
  }

  async getRef(name: string): Promise<Buffer | null> {
    return this.backend.read(refName(name));
  }
}

function refName(name: string): string {
  if (!/^[\w.@-]+(\/[\w.@-]+)*$/.test(name) || name.split('/').some((s) => s === '..' || s === '.')) throw new AssayError('artifact.ref', `not a valid reference name: ${JSON.stringify(name)}`);
  return `refs/${name}`;
}

type Opener = (url: URL, env: NodeJS.ProcessEnv) => Promise<BlobBackend>;

/** The store backends by URL scheme: a new backend is one file and one line here. */
const BACKENDS: Readonly<Record<string, Opener>> = {
  'file:': async (url) => (await import('./artifact-store-file.js')).fileBackend(url),
  's3:': async (url, env) => (await import('./artifact-store-s3.js')).s3Backend(url, env),
};

/**
 * Open the store at `url` (`file:///dir` or `s3://bucket/prefix`; S3 endpoint and credentials
 * from the standard AWS environment variables).
 * @throws UsageError (exit 2) for a URL no backend serves.
 */
export async function openArtifactStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<ArtifactStore> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`the artifact store must be a URL (file:///dir or s3://bucket/prefix), got ${JSON.stringify(redactUrl(url))}`);
  }
  const open = BACKENDS[u.protocol];
  if (open === undefined) throw new UsageError(`unsupported artifact store ${redactUrl(url)}: use file:///dir or s3://bucket/prefix`);
  return new ArtifactStore(await open(u, env));
}
