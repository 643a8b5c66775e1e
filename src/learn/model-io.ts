/**
 * Saving and loading a trained tfjs LayersModel as `model.json` + `weights.bin` (tfjs's own
 * format, readable by `tf.loadLayersModel('file://...')` under tfjs-node too), without tfjs-node.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { AssayError, UsageError } from '../core/errors.js';
import { readFileBounded, UnreadableFileError } from '../data/read-file-bounded.js';

// File names inside a model folder: the run folder's (store/run-folder/names.ts), also in cache entries.
import { MODEL_JSON, WEIGHTS_BIN } from '../store/run-folder/names.js';

export { MODEL_JSON, WEIGHTS_BIN };

const BYTES_PER_DTYPE: Readonly<Record<string, number>> = {
  float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2,
};

function toBuffer(data: ArrayBuffer | ArrayBuffer[]): Buffer {
  return Array.isArray(data) ? Buffer.concat(data.map((b) => Buffer.from(b))) : Buffer.from(data);
}

/** Writes `data` to `file` through a temporary name in the same folder, then renames it. */
async function writeAtomically(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Saves `model` (topology, weights, training config; not the optimizer state) into `dir`
 * (created if needed) as `model.json` + `weights.bin`. Weights are written first, the JSON last,
 * so a folder with a `model.json` has its weights.
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = artifacts.weightData === undefined ? Buffer.alloc(0) : toBuffer(artifacts.weightData);
    await writeAtomically(path.join(dir, WEIGHTS_BIN), weights);
    const manifest: tf.io.WeightsManifestConfig = [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }];
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      weightsManifest: manifest,
      ...(artifacts.format !== undefined ? { format: artifacts.format } : {}),
      ...(artifacts.generatedBy !== undefined ? { generatedBy: artifacts.generatedBy } : {}),
      ...(artifacts.convertedBy != null ? { convertedBy: artifacts.convertedBy } : {}),
      ...(artifacts.trainingConfig !== undefined ? { trainingConfig: artifacts.trainingConfig } : {}),
      ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    };
    await writeAtomically(path.join(dir, MODEL_JSON), JSON.stringify(json));
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
}

function expectedBytes(specs: readonly tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES_PER_DTYPE[dtype];
    if (size === undefined) throw new AssayError('model.corrupt', `weight ${spec.name} has unsupported dtype ${dtype}`, 2);
    const count = Array.isArray(spec.shape) ? spec.shape.reduce((a, b) => a * b, 1) : Number.NaN;
    if (!Number.isSafeInteger(count) || count < 0) throw new AssayError('model.corrupt', `weight ${spec.name} has an impossible shape ${JSON.stringify(spec.shape)}`, 2);
    total += count * size;
  }
  return total;
}

// NOTE: a model folder may come from elsewhere (cache pull, a copied run): what it holds is input,
// so a missing, unreadable or inconsistent file is refused with exit 2, naming the file.
async function readOrFail(file: string, what: string, limit?: number): Promise<Buffer> {
  try {
    // Only a regular file, and no more bytes than the manifest can use (a link to /dev/zero would never end).
    return await readFileBounded(file, limit);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof UnreadableFileError && e.tooLarge && limit !== undefined) {
      throw new AssayError('model.corrupt', `${what} ${file} is larger than the ${limit - 1} bytes its manifest needs (from another model?)`, 2);
    }
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT') throw new AssayError('model.not-found', `${what} ${file} does not exist`, 2);
    throw new AssayError('model.unreadable', `cannot read ${what} ${file}: ${(e as Error).message}`, 2);
  }
}

/** The file a manifest path names, which must lie inside the model folder `dir`. */
function weightsPath(dir: string, p: unknown, jsonPath: string): string {
  const file = typeof p === 'string' ? path.resolve(dir, p) : '';
  const rel = path.relative(dir, file);
  if (typeof p !== 'string' || rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new AssayError('model.corrupt', `${jsonPath} names weights file ${JSON.stringify(p)}, which is not inside the model folder ${dir}`, 2);
  }
  return file;
}

/**
 * Loads a model saved by `saveModel` (or any single-folder tfjs layers model). Fails with an
 * AssayError naming the file: 'model.not-found' for a missing model.json or weights file,
 * 'model.corrupt' for unparsable JSON or a weights file whose size does not match the manifest.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const jsonPath = path.join(dir, MODEL_JSON);
  const text = (await readOrFail(jsonPath, 'model file')).toString('utf8');
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (e) {
    throw new AssayError('model.corrupt', `${jsonPath} is not valid JSON: ${(e as Error).message}`, 2);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology == null || !Array.isArray(json.weightsManifest)) {
    throw new AssayError('model.corrupt', `${jsonPath} is not a tfjs layers model (modelTopology or weightsManifest missing)`, 2);
  }
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const parts: Buffer[] = [];
    for (const group of manifest) {
      if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) throw new AssayError('model.corrupt', `${jsonPath} has a weights manifest entry without paths and weights`, 2);
      const files = group.paths.map((p) => weightsPath(dir, p, jsonPath));
      const want = expectedBytes(group.weights);
      const groupFiles = await Promise.all(files.map((f) => readOrFail(f, 'weights file', want + 1)));
      const got = groupFiles.reduce((a, b) => a + b.length, 0);
      if (got !== want) {
        throw new AssayError('model.corrupt', `weights file ${files.join(', ')} has ${got} bytes, the manifest in ${jsonPath} needs ${want} (truncated or from another model)`, 2);
      }
      specs.push(...group.weights);
      parts.push(...groupFiles);
    }
    const all = Buffer.concat(parts);
    return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
  });
  return tf.loadLayersModel({ load: async () => artifacts });
}
