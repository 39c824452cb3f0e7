/**
 * TensorFlow.js backend selection, shared by the functional reference, the reference GEMV and the
 * measured host baseline: wasm first (WebAssembly, works offline from node_modules), then
 * tfjs-node only if it is already installed, else the pure-JS cpu backend. TensorFlow.js keeps its
 * active backend as global state; this leaves it set to the backend chosen. tfjs is imported
 * lazily so commands that never use it do not load it.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { InputError } from './errors.js';

export type HostBackend = 'wasm' | 'tensorflow' | 'cpu';

async function tryWasm(): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // setWasmPaths throws once the backend is initialised, so only set it on first use.
  if (!tf.findBackend('wasm')) {
    const require = createRequire(import.meta.url);
    const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    // A plain directory path (trailing slash): the Node build reads the .wasm files from disk, no fetch.
    wasm.setWasmPaths(`${distDir}/`);
  }
  if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
  await tf.ready();
  return wasm.getThreadsCount();
}

async function tryTfjsNode(): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  // A variable specifier: tfjs-node is optional and not a dependency, so TypeScript must not resolve it.
  const spec = '@tensorflow/tfjs-node';
  await import(spec);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('tf.setBackend("tensorflow") returned false');
  await tf.ready();
  // TensorFlow's intra-op pool defaults to one thread per core (assumed; tfjs-node does not report it).
  return availableParallelism();
}

export async function selectBackend(prefer?: HostBackend): Promise<{ backend: HostBackend; threads: number; skipped: string[] }> {
  const tf = await import('@tensorflow/tfjs');
  const skipped: string[] = [];
  const order: HostBackend[] = prefer ? [prefer] : ['wasm', 'tensorflow', 'cpu'];
  for (const b of order) {
    try {
      if (b === 'wasm') return { backend: b, threads: await tryWasm(), skipped };
      if (b === 'tensorflow') return { backend: b, threads: await tryTfjsNode(), skipped };
      if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
      await tf.ready();
      return { backend: b, threads: 1, skipped };
    } catch (e) {
      skipped.push(`${b}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new InputError(`no TensorFlow.js backend could run (${skipped.join('; ')})`);
}
