/**
 * Choosing and starting the tfjs backend for a process.
 *
 * Callers run `await initBackend(spec.backend)` once, then use tfjs through `getTf()` (or
 * `import * as tf from '@tensorflow/tfjs'`, the same module instance). tfjs-node /
 * tfjs-node-gpu are never dependencies: they are probed by dynamic import and used when the user
 * installed them and they register into the same tfjs-core as ours.
 */
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import seedrandom from 'seedrandom';
import type { BackendChoice } from '../../core/spec.js';
import { AssayError } from '../../core/errors.js';
import { KERNELS_PACKAGE, kernelsDigest } from './simd.js';
import { registerWasmKernels } from './wasm-kernels.js';

/** The backend a process computes on, why it was chosen, and the package versions behind it. */
export interface BackendInfo {
  readonly name: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /** Why this backend was chosen, e.g. "tfjs-node-gpu not installed; tfjs-node not installed; using wasm (SIMD)". */
  readonly reason: string;
  /** tfjs and backend package versions, for the run's lock file. Keys are package names. */
  readonly versions: Readonly<Record<string, string>>;
}

/** One backend `assay doctor` looked at. */
export interface BackendCandidate {
  readonly name: BackendInfo['name'];
  readonly available: boolean;
  readonly detail: string;
}

/** Result of probing one of the native packages. */
interface NativeProbe {
  readonly ok: boolean;
  readonly detail: string;
  readonly version?: string;
}

const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;

/** Name under which both tfjs-node packages register their backend in tfjs-core. */
const NATIVE_TF_BACKEND = 'tensorflow';

const probes = new Map<keyof typeof NATIVE_PACKAGES, Promise<NativeProbe>>();
const inits = new Map<BackendChoice, Promise<BackendInfo>>();
let wasmSimd: boolean | undefined;

/**
 * Makes tfjs quiet on stdout: the cpu backend's "install the node backend" banner and other
 * tfjs notices go through console.warn/log only when PROD is off.
 */
function quietTf(): void {
  // NOTE: PROD only silences tfjs's own log/warn calls and skips debug checks; numerics are
  // unchanged. stdout may carry JSON, so no tfjs chatter may reach it.
  tf.env().set('PROD', true);
}

function coreVersions(): Record<string, string> {
  return {
    '@tensorflow/tfjs': tf.version.tfjs,
    '@tensorflow/tfjs-core': tf.version['tfjs-core'],
    '@tensorflow/tfjs-layers': tf.version['tfjs-layers'],
  };
}

/**
 * Imports a tfjs-node package if installed and checks it registered its backend into the tfjs-core
 * this process uses (a second, non-deduplicated tfjs-core would be invisible to us).
 */
function probeNative(kind: keyof typeof NATIVE_PACKAGES): Promise<NativeProbe> {
  let p = probes.get(kind);
  if (p === undefined) {
    p = (async (): Promise<NativeProbe> => {
      const pkg: string = NATIVE_PACKAGES[kind];
      let mod: { version?: Record<string, string> };
      try {
        // NOTE: a computed specifier keeps bundlers and tsc from resolving an absent package.
        mod = (await import(pkg)) as { version?: Record<string, string> };
      } catch (e) {
        const code = (e as { code?: string }).code;
        const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
        return { ok: false, detail: missing ? `${kind === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu'} not installed` : `${pkg} failed to load: ${(e as Error).message}` };
      }
      const short = kind === 'tensorflow' ? 'tfjs-node' : 'tfjs-node-gpu';
      const version = mod.version?.[short] ?? mod.version?.['tfjs-node'];
      if (tf.findBackendFactory(NATIVE_TF_BACKEND) === null) {
        return { ok: false, detail: `${short} loaded but registered into another copy of tfjs-core (versions differ from @tensorflow/tfjs ${tf.version.tfjs}); not used`, version };
      }
      return { ok: true, detail: `${short} ${version ?? '(unknown version)'}`, version };
    })();
    probes.set(kind, p);
  }
  return p;
}

/**
 * The wasm module installs process-wide 'uncaughtException' / 'unhandledRejection' handlers that
 * rethrow, which makes Node print the module's whole minified source line with any later crash.
 * Node's default behaviour is the same without the noise, so those handlers are removed.
 */
async function setBackendWithoutWasmHandlers(name: string): Promise<boolean> {
  type Listener = (...args: unknown[]) => void;
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string): Listener[] => process.listeners(e as 'uncaughtException') as Listener[];
  const before = events.map((e) => new Set(listeners(e)));
  const ok = await tf.setBackend(name);
  events.forEach((e, i) => {
    for (const l of listeners(e)) if (!before[i].has(l)) process.removeListener(e, l);
  });
  return ok;
}

async function useWasm(): Promise<BackendInfo> {
  registerWasmKernels();
  const ok = await setBackendWithoutWasmHandlers('wasm');
  if (!ok) throw new AssayError('backend.unavailable', 'the wasm backend failed to initialise');
  await tf.ready();
  wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as boolean;
  return {
    name: 'wasm',
    reason: `using wasm (${wasmSimd ? 'SIMD' : 'no SIMD'})`,
    // NOTE: assay's kernels shape wasm's numbers as much as the package does.
    versions: { ...coreVersions(), '@tensorflow/tfjs-backend-wasm': version_wasm, [KERNELS_PACKAGE]: kernelsDigest() },
  };
}

async function useCpu(): Promise<BackendInfo> {
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new AssayError('backend.unavailable', 'the cpu backend failed to initialise');
  await tf.ready();
  return {
    name: 'cpu',
    reason: 'using cpu (pure JavaScript, slow)',
    versions: { ...coreVersions(), '@tensorflow/tfjs-backend-cpu': tf.version['tfjs-backend-cpu'] },
  };
}

async function useNative(kind: keyof typeof NATIVE_PACKAGES, probe: NativeProbe): Promise<BackendInfo> {
  const ok = await tf.setBackend(NATIVE_TF_BACKEND);
  if (!ok) throw new AssayError('backend.unavailable', `${NATIVE_PACKAGES[kind]} is installed but its backend failed to initialise`);
  await tf.ready();
  return {
    name: kind,
    reason: `using ${probe.detail}`,
    versions: { ...coreVersions(), [NATIVE_PACKAGES[kind]]: probe.version ?? 'unknown' },
  };
}

function withPrefix(info: BackendInfo, notes: readonly string[]): BackendInfo {
  return notes.length === 0 ? info : { ...info, reason: `${notes.join('; ')}; ${info.reason}` };
}

async function choose(choice: BackendChoice): Promise<BackendInfo> {
  quietTf();
  switch (choice) {
    case 'cpu':
      return useCpu();
    case 'wasm':
      return useWasm();
    case 'tensorflow':
    case 'tensorflow-gpu': {
      const probe = await probeNative(choice);
      if (!probe.ok) {
        throw new AssayError('backend.unavailable', `backend "${choice}" was asked for but ${probe.detail}; install ${NATIVE_PACKAGES[choice]} or use backend: auto`);
      }
      return useNative(choice, probe);
    }
    case 'auto': {
      const notes: string[] = [];
      for (const kind of ['tensorflow-gpu', 'tensorflow'] as const) {
        const probe = await probeNative(kind);
        if (probe.ok) {
          try {
            return withPrefix(await useNative(kind, probe), notes);
          } catch (e) {
            notes.push(`${probe.detail} failed to start: ${(e as Error).message}`);
            continue;
          }
        }
        notes.push(probe.detail);
      }
      try {
        return withPrefix(await useWasm(), notes);
      } catch (e) {
        notes.push(`wasm failed: ${(e as Error).message}`);
      }
      return withPrefix(await useCpu(), notes);
    }
    default:
      return choice satisfies never;
  }
}

/**
 * Selects the backend for this process and waits until it is ready.
 *
 * 'auto' tries tfjs-node-gpu, then tfjs-node, then wasm (with assay's gradient kernels), then the
 * pure-JS cpu backend. An explicit 'tensorflow' / 'tensorflow-gpu' fails with an AssayError
 * (code 'backend.unavailable') when the package is absent. Idempotent: repeated calls with the same
 * choice return the same info; a call with another choice switches the active backend.
 */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  let p = inits.get(choice);
  if (p === undefined) {
    p = choose(choice);
    inits.set(choice, p);
    p.catch(() => inits.delete(choice));
    return p;
  }
  const info = await p;
  const registered = info.name === 'tensorflow-gpu' ? NATIVE_TF_BACKEND : info.name;
  if (tf.getBackend() !== registered) {
    await tf.setBackend(registered);
    await tf.ready();
  }
  return info;
}

/**
 * The tfjs namespace the backend was registered into. Equivalent to
 * `import * as tf from '@tensorflow/tfjs'` (tfjs-node, when used, registers into this same core).
 */
export function getTf(): typeof tf {
  return tf;
}

/**
 * Seeds tfjs's global random source: tfjs draws `Math.random()` for every random op without its
 * own seed (dropout masks, unseeded initializers) and tfjs-layers shuffles `fit` batches with it.
 * Call before each trial. NOTE: this replaces `Math.random` process-wide with a seeded alea
 * generator (seedrandom's `global` option); assay itself never uses Math.random for results.
 */
export function seedTfRandom(seed: number): void {
  if (!Number.isFinite(seed)) throw new AssayError('backend.seed', `seedTfRandom needs a finite number, got ${seed}`);
  Math.random = seedrandom.alea(`assay-tf:${seed}`);
}

/** Probes every backend (without switching) and starts the 'auto' choice, for `assay doctor`. */
export async function describeBackends(): Promise<{ chosen: BackendInfo; candidates: readonly BackendCandidate[] }> {
  const gpu = await probeNative('tensorflow-gpu');
  const node = await probeNative('tensorflow');
  const chosen = await initBackend('auto');
  const simd = wasmSimd ?? ((await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean);
  const candidates: BackendCandidate[] = [
    { name: 'tensorflow-gpu', available: gpu.ok, detail: gpu.detail },
    { name: 'tensorflow', available: node.ok, detail: node.detail },
    { name: 'wasm', available: tf.findBackendFactory('wasm') !== null, detail: `@tensorflow/tfjs-backend-wasm ${version_wasm} (${simd ? 'SIMD' : 'no SIMD'}, single-threaded in Node)` },
    { name: 'cpu', available: true, detail: `@tensorflow/tfjs-backend-cpu ${tf.version['tfjs-backend-cpu']} (pure JavaScript)` },
  ];
  return { chosen, candidates };
}
