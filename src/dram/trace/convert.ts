/** Small helpers around Trace: object views, building from objects, and address checks. */
import { InputError } from '../../util/errors.js';
import { MAX_TRACE_ADDRESS, NO_ARRIVAL, type Trace, type TraceFormat, type TraceRequest } from './types.js';

/** Largest byte address in the trace, or -1 for an empty trace. */
export function maxAddress(trace: Trace): number {
  let max = -1;
  const a = trace.address;
  for (let i = 0; i < trace.count; i++) if (a[i] > max) max = a[i];
  return max;
}

/** "file:line" of request i (0-based) when its source line is known, else "file: request i+1". */
export function requestWhere(trace: Trace, i: number): string {
  return trace.line ? `${trace.file}:${trace.line[i]}` : `${trace.file}: request ${i + 1}`;
}

/**
 * Throws an InputError naming the first request whose access [address, address + accessBytes)
 * does not fit below `limitBytes` (the memory size). The simulator decides the limit; this only words the error.
 */
export function checkAddressesBelow(trace: Trace, limitBytes: number, accessBytes = 1, memoryName = 'the memory'): void {
  const last = limitBytes - accessBytes;
  const a = trace.address;
  for (let i = 0; i < trace.count; i++) {
    if (a[i] > last) {
      throw new InputError(
        `address 0x${a[i].toString(16)} (+${accessBytes} B) is beyond ${memoryName} (${limitBytes} B, ` +
          `last usable address 0x${Math.max(0, last).toString(16)})`,
        requestWhere(trace, i),
      );
    }
  }
}

/** Request i as an object (for tests and small tools; the replay loop reads the arrays). */
export function requestAt(trace: Trace, i: number): TraceRequest {
  return { address: trace.address[i], isWrite: trace.isWrite[i] === 1, arrivalCycle: trace.arrival[i] };
}

export function traceRequests(trace: Trace): TraceRequest[] {
  const out: TraceRequest[] = [];
  for (let i = 0; i < trace.count; i++) out.push(requestAt(trace, i));
  return out;
}

/** Builds a Trace from request objects, checking addresses and arrival order as the readers do. */
export function traceFromRequests(
  requests: readonly TraceRequest[],
  options: { file?: string; format?: TraceFormat } = {},
): Trace {
  const file = options.file ?? 'generated:requests';
  const n = requests.length;
  const trace: Trace = {
    count: n,
    address: new Float64Array(n),
    isWrite: new Uint8Array(n),
    arrival: new Float64Array(n),
    format: options.format ?? 'pimsim',
    file,
  };
  let lastArrival = NO_ARRIVAL;
  requests.forEach((r, i) => {
    const where = `${file}: request ${i + 1}`;
    const address = typeof r.address === 'bigint' ? Number(r.address) : r.address;
    const exact = typeof r.address === 'bigint' ? r.address <= BigInt(MAX_TRACE_ADDRESS) && r.address >= 0n : true;
    if (!exact || !Number.isSafeInteger(address) || address < 0) {
      throw new InputError(`address ${String(r.address)} is not an integer in [0, 2^53)`, where);
    }
    const arrival = r.arrivalCycle;
    if (arrival !== NO_ARRIVAL && !(Number.isSafeInteger(arrival) && arrival >= 0)) {
      throw new InputError(`arrivalCycle ${arrival} is neither -1 nor a non-negative integer`, where);
    }
    if (arrival >= 0 && arrival < lastArrival) {
      throw new InputError(`arrivalCycle ${arrival} is earlier than the previous timed request's ${lastArrival}`, where);
    }
    if (arrival >= 0) lastArrival = arrival;
    trace.address[i] = address;
    trace.isWrite[i] = r.isWrite ? 1 : 0;
    trace.arrival[i] = arrival;
  });
  return trace;
}
