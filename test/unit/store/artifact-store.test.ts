/**
 * The artifact store: bytes by sha256 in a folder (file://) or an S3-compatible bucket (s3rver on
 * loopback), every read verified, a missing or corrupt artifact named by its hash.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactCache } from '../../../src/store/artifact-cache.js';
import { openArtifactStore, sha256Bytes, type ArtifactStore } from '../../../src/store/artifact-store.js';

const bytes = (s: string) => Buffer.from(s, 'utf8');

function behavesAsAStore(open: () => Promise<{ store: ArtifactStore; corrupt: (hash: string, with_: Buffer) => Promise<void> }>) {
  it('stores bytes under their sha256, reads them back verified, and reports what it has', async () => {
    const { store } = await open();
    const hash = await store.put(bytes('weights'));
    expect(hash).toBe(sha256Bytes(bytes('weights')));
    expect((await store.get(hash)).toString()).toBe('weights');
    expect(await store.has(hash)).toBe(true);
    expect(await store.has(sha256Bytes(bytes('never stored')))).toBe(false);
    // Putting the same bytes again is a no-op with the same hash.
    expect(await store.put(bytes('weights'))).toBe(hash);
  });

  it('names the hash of a missing artifact', async () => {
    const { store } = await open();
    const hash = sha256Bytes(bytes('absent'));
    await expect(store.get(hash)).rejects.toMatchObject({ code: 'artifact.missing', message: expect.stringContaining(`sha256:${hash}`) });
  });

  it('refuses a corrupt artifact, naming its hash and what its bytes hash to', async () => {
    const { store, corrupt } = await open();
    const hash = await store.put(bytes('precious'));
    await corrupt(hash, bytes('tampered'));
    await expect(store.get(hash)).rejects.toMatchObject({
      code: 'artifact.corrupt',
      message: expect.stringMatching(new RegExp(`sha256:${hash} .* is corrupt: its 8 bytes hash to ${sha256Bytes(bytes('tampered'))}`)),
    });
  });

  it('keeps named references, replaced on each write', async () => {
    const { store } = await open();
    expect(await store.getRef('runs/x.json')).toBeNull();
    await store.putRef('runs/x.json', bytes('one'));
    await store.putRef('runs/x.json', bytes('two'));
    expect((await store.getRef('runs/x.json'))!.toString()).toBe('two');
    await expect(store.putRef('../escape', bytes('x'))).rejects.toMatchObject({ code: 'artifact.ref' });
  });
}

describe('file:// store', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'assay-store-')); });
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  const open = async () => ({
    store: await openArtifactStore(pathToFileURL(dir).href),
    corrupt: (hash: string, b: Buffer) => writeFile(path.join(dir, 'sha256', hash.slice(0, 2), hash), b),
  });
  behavesAsAStore(open);

  it('rejects URLs no backend serves, as usage errors that hide passwords', async () => {
    await expect(openArtifactStore('ftp://user:hunter2@host/x')).rejects.toMatchObject({ exitCode: 2, message: expect.not.stringContaining('hunter2') });
    await expect(openArtifactStore('not a url')).rejects.toMatchObject({ exitCode: 2 });
    await expect(openArtifactStore('file://otherhost/x')).rejects.toMatchObject({ exitCode: 2 });
  });

  it.runIf(process.platform !== 'win32')('refuses an artifact that is a FIFO or a link to /dev/zero in the shared folder instead of hanging (exit 2)', async () => {
    const { store } = await open();
    for (const [text, make] of [['fifo', (f: string) => execFileSync('mkfifo', [f])], ['zero', (f: string) => symlinkSync('/dev/zero', f)]] as const) {
      const hash = await store.put(bytes(text));
      const file = path.join(dir, 'sha256', hash.slice(0, 2), hash);
      await rm(file);
      make(file);
      await expect(store.get(hash)).rejects.toMatchObject({ code: 'store.unreadable', exitCode: 2, message: expect.stringContaining(`sha256/${hash.slice(0, 2)}/${hash}, which cannot be read: not a regular file`) });
    }
  });

  it('a local cache fetches once, verifies every use, and refetches a damaged copy', async () => {
    const { store } = await open();
    const hash = await store.put(bytes('tensor'));
    const cacheDir = await mkdtemp(path.join(tmpdir(), 'assay-acache-'));
    const cache = new ArtifactCache(cacheDir, store);
    const file = await cache.file(hash);
    expect(await readFile(file, 'utf8')).toBe('tensor');
    await writeFile(file, 'damaged');
    expect(await readFile(await cache.file(hash), 'utf8')).toBe('tensor');
    const folder = await cache.place('t', { 'a.bin': hash });
    expect(await readFile(path.join(folder, 'a.bin'), 'utf8')).toBe('tensor');
    await expect(cache.file(sha256Bytes(bytes('nowhere')))).rejects.toMatchObject({ code: 'artifact.missing' });
    await rm(cacheDir, { recursive: true, force: true });
  });
});

describe('s3:// store (s3rver on loopback)', () => {
  let dir: string;
  let server: { run(): Promise<{ port: number }>; close(): Promise<void> };
  const env: NodeJS.ProcessEnv = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'assay-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: 'team' }] });
    const { port } = await server.run();
    env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const open = async () => {
    const store = await openArtifactStore('s3://team/assay/store', env);
    return {
      store,
      // Overwrite the object behind the store's back, as a faulty copy would.
      corrupt: async (hash: string, b: Buffer) => {
        const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
        const client = new S3Client({ region: 'us-east-1', endpoint: env.AWS_ENDPOINT_URL!, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
        await client.send(new PutObjectCommand({ Bucket: 'team', Key: `assay/store/sha256/${hash.slice(0, 2)}/${hash}`, Body: b }));
      },
    };
  };
  behavesAsAStore(open);

  it('shows the bucket and prefix', async () => {
    expect((await open()).store.shown).toBe('s3://team/assay/store');
  });
});
