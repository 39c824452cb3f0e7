/**
 * Bytes moved and arithmetic done by one op of a decode step on a GPU or CPU, given how the device
 * stores the weights and KV cache. This is the "work" part of every tier; the tiers differ only in
 * efficiencies and fixed costs (tiers.ts).
 */
import type { Op, Precision } from '../model/ops.js';
import { InputError } from '../util/errors.js';
import type { ComputeClass, DeviceSpec } from './device.js';

/** How a tensor sits in device memory: a dense float/int format, llama.cpp blocks, or packed low-bit codes. */
export type StoredFormat = 'fp32' | 'fp16' | 'bf16' | 'int8' | 'q4_0' | 'q4_K_M' | 'ternary' | 'binary';

export const STORED_BYTES: Readonly<Record<StoredFormat, number>> = {
  // [LLAMA] fp16/bf16 2 B per weight; int8 1 B (its per-row scales are a rounding error and not counted).
  fp32: 4, fp16: 2, bf16: 2, int8: 1,
  // [LLAMA] llama.cpp q4_0: blocks of 32 weights = 16 B of 4-bit values + a 2 B fp16 scale = 18 B (4.5 bits).
  q4_0: 18 / 32,
  // [LLAMA] q4_K_M: about 4.8 bits per weight on average (a mix of q4_K and q6_K blocks).
  q4_K_M: 4.8 / 8,
  // Packed 2-bit codes (bitnet.cpp I2_S style) and 1-bit signs, as in model/ops.ts WEIGHT_BITS ([QUANT]).
  ternary: 0.25, binary: 0.125,
};

/** Weight formats LLaMA-class models are served in on GPUs/CPUs ([LLAMA]), selectable for the baselines. */
export const BASELINE_WEIGHT_FORMATS = ['fp32', 'fp16', 'bf16', 'int8', 'q4_0', 'q4_K_M', 'ternary', 'binary'] as const;
export type BaselineWeightFormat = (typeof BASELINE_WEIGHT_FORMATS)[number];

/**
 * 'ops': store as the op says; 'fp32': everything FP32 (weights, KV, activations), as a default
 * PyTorch/HuggingFace model runs; any other weight format: every weight matrix in that format (an
 * explicit ternary/binary means packed codes read by a custom kernel, as bitnet.cpp does), with the
 * KV cache and activations as in 'ops' (llama.cpp keeps its KV cache in f16 whatever the weights).
 */
export type BaselineFormat = 'ops' | BaselineWeightFormat;
/**
 * Where a device has no native ternary/binary support, the low-bit weights must still be stored in
 * something it can read: 'int8' (default: one byte per weight, W8 kernels exist everywhere), 'bf16'
 * (dequantized offline), or 'packed' (a custom unpacking kernel reads the 2-bit/1-bit codes).
 */
export type LowBitStorage = 'int8' | 'bf16' | 'packed';

export interface FormatChoice {
  readonly format: BaselineFormat;
  readonly lowBitStorage: LowBitStorage;
}

/** Where the op's tensor is: a weight matrix (GEMV) or the KV cache (attention, kv-write). */
export type TensorRole = 'weight' | 'kv';

export function storedFormat(precision: Precision, device: DeviceSpec, choice: FormatChoice, role: TensorRole = 'weight'): StoredFormat {
  if (choice.format === 'fp32') return 'fp32';
  if (choice.format !== 'ops' && role === 'weight') return choice.format;
  if (precision === 'bf16' || precision === 'int8') return precision;
  if (device.nativeLowBit.includes(precision) || choice.lowBitStorage === 'packed') return precision;
  return choice.lowBitStorage;
}

/** Activations (vectors, biases, layernorm parameters) travel in fp32 in FP32 mode, else fp16/bf16. */
export function activationBytes(choice: FormatChoice): number {
  return choice.format === 'fp32' ? 4 : 2;
}

/**
 * The peak a stored format computes at. Integer formats (int8, q4_0, q4_K_M, ternary, binary) count
 * at the int8 peak: llama.cpp's quantized kernels quantize the activations to 8 bits and use int8 dot
 * products (assumed for every integer format). A missing 16-bit or int8 peak falls back to the next
 * wider class the device has, as weight-only-quantized kernels dequantize before multiplying.
 */
export function computeClass(format: StoredFormat, device: DeviceSpec): ComputeClass {
  const wanted: ComputeClass[] = format === 'fp32' ? ['fp32'] : format === 'bf16' || format === 'fp16' ? ['fp16', 'fp32'] : ['int8', 'fp16', 'fp32'];
  const found = wanted.find((c) => device.peakTflops[c] !== undefined);
  if (!found) throw new InputError('field peakTflops.fp32: every device preset needs an fp32 peak', device.where);
  return found;
}

/**
 * Arithmetic per element of the ASIC-side vector ops (assumed counts; these ops are a rounding
 * error next to the GEMVs): layernorm = mean, variance, normalise, scale, shift; RMSNorm = square,
 * sum, scale, gain; GELU = tanh form; SwiGLU = sigmoid (as GELU's cost), times x, times up; RoPE =
 * two multiplies and an add per element (sin/cos tables are read, not computed).
 */
const VECTOR_FLOPS_PER_ELEMENT = { layernorm: 8, rmsnorm: 4, softmax: 5, gelu: 8, swiglu: 9, residual: 1, rope: 3 } as const;
/**
 * Vectors read and written per element: layernorm also reads gamma and beta, RMSNorm gamma;
 * residual and SwiGLU read two; RoPE reads x and a cos or sin table entry and writes x.
 */
const VECTOR_ACCESSES_PER_ELEMENT = { layernorm: 4, rmsnorm: 3, softmax: 2, gelu: 2, swiglu: 3, residual: 3, rope: 3 } as const;

export interface OpWork {
  readonly name: string;
  readonly layer: number;
  readonly kind: Op['kind'];
  /** Weight bytes streamed from DRAM (GEMV matrices). */
  readonly weightBytes: number;
  /** KV-cache bytes read (attention) or written (kv-write). */
  readonly kvBytes: number;
  /** Activation bytes: input/output vectors, biases, layernorm parameters. */
  readonly activationBytes: number;
  readonly bytes: number;
  readonly flops: number;
  /** The peak the flops are counted against (and their energy per flop). */
  readonly computeClass: ComputeClass;
  readonly storedFormat: StoredFormat | 'activation';
}

/** Bytes and flops of one op on one device. */
export function opWork(op: Op, device: DeviceSpec, choice: FormatChoice): OpWork {
  const act = activationBytes(choice);
  const base = { name: op.name, layer: op.layer, kind: op.kind };
  const done = (w: Omit<OpWork, 'name' | 'layer' | 'kind' | 'bytes'>): OpWork => ({
    ...base,
    ...w,
    bytes: w.weightBytes + w.kvBytes + w.activationBytes,
  });
  switch (op.kind) {
    case 'gemv': {
      const f = storedFormat(op.precision, device, choice);
      const extraFlops = (op.bias ? op.rows : 0) + (op.gelu ? op.rows * VECTOR_FLOPS_PER_ELEMENT.gelu : 0);
      return done({
        weightBytes: op.rows * op.cols * STORED_BYTES[f],
        kvBytes: 0,
        activationBytes: (op.cols + op.rows + (op.bias ? op.rows : 0)) * act,
        flops: 2 * op.rows * op.cols + extraFlops,
        computeClass: computeClass(f, device),
        storedFormat: f,
      });
    }
    case 'attn-score':
    case 'attn-context': {
      const f = storedFormat(op.precision, device, choice, 'kv');
      // Each K/V head is read once and serves its query-head group (grouped-query attention).
      const cache = op.kvHeads * op.headDim * op.context;
      // score: q in, scores out; context: probabilities in, head outputs out.
      const vectors = op.heads * (op.headDim + op.context);
      return done({
        weightBytes: 0,
        kvBytes: cache * STORED_BYTES[f],
        activationBytes: vectors * act,
        flops: 2 * op.heads * op.headDim * op.context,
        computeClass: computeClass(f, device),
        storedFormat: f,
      });
    }
    case 'kv-write': {
      const f = storedFormat(op.precision, device, choice, 'kv');
      const elements = 2 * op.kvHeads * op.headDim;
      return done({ weightBytes: 0, kvBytes: elements * STORED_BYTES[f], activationBytes: 0, flops: 0, computeClass: computeClass(f, device), storedFormat: f });
    }
    case 'layernorm':
    case 'rmsnorm':
    case 'softmax':
    case 'gelu':
    case 'swiglu':
    case 'residual':
    case 'rope':
      return done({
        weightBytes: 0,
        kvBytes: 0,
        activationBytes: op.elements * VECTOR_ACCESSES_PER_ELEMENT[op.kind] * act,
        flops: op.elements * VECTOR_FLOPS_PER_ELEMENT[op.kind],
        // Element-wise work runs on the vector units (CUDA cores / SIMD) at the fp32 rate, not on tensor units.
        computeClass: 'fp32',
        storedFormat: 'activation',
      });
  }
}
