/** The float32 reference GEMV from TensorFlow.js, and the error metric reported against it. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../util/tfBackend.js';

/** y = W x in float32 on a TensorFlow.js backend (wasm; tfjs-node if installed; else cpu). */
export async function tfjsGemv(w: Float32Array, x: Float32Array, rows: number, cols: number): Promise<{ y: Float32Array; backend: string }> {
  const { backend } = await selectBackend();
  const y = tf.tidy(() => tf.matMul(tf.tensor2d(w, [rows, cols]), tf.tensor2d(x, [cols, 1])).reshape([rows]));
  const out = (await y.data()) as Float32Array;
  y.dispose();
  return { y: Float32Array.from(out), backend };
}

/**
 * Max |y - ref| over max |ref|: an error relative to the output's scale, so outputs that happen to
 * be near zero do not turn BF16 rounding into huge relative errors.
 */
export function maxRelError(y: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(y[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return scale > 0 ? err / scale : err;
}
