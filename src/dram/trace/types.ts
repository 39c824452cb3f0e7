/**
 * Memory-trace types. A trace is a structure of arrays (one typed array per field) rather than an
 * array of objects: 10^6-request traces stay a few tens of MB and the replay loop reads flat memory.
 */

/** One request, for code that wants objects (tests, small hand-made traces). */
export interface TraceRequest {
  /** Byte address. Numbers must be safe integers (< 2^53); bigints are converted on the way in. */
  address: bigint | number;
  isWrite: boolean;
  /** DRAM clock cycle at which the request arrives; -1 = no time: offer as fast as the controller takes it. */
  arrivalCycle: number;
}

export const TRACE_FORMATS = ['pimsim', 'ramulator', 'dramsim3'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];
export type TraceFormatOption = 'auto' | TraceFormat;

/** Arrival value meaning "no time given: offer the request as soon as the controller accepts it". */
export const NO_ARRIVAL = -1;

/** Largest byte address a trace may hold: addresses are stored exactly as doubles. */
export const MAX_TRACE_ADDRESS = Number.MAX_SAFE_INTEGER;

export interface Trace {
  /** Number of requests; the typed arrays may be longer, only [0, count) is meaningful. */
  count: number;
  /** Byte addresses, exact integers below 2^53. */
  address: Float64Array;
  /** 1 = write, 0 = read. */
  isWrite: Uint8Array;
  /** Arrival cycle per request, non-decreasing among timed requests, or NO_ARRIVAL (-1). */
  arrival: Float64Array;
  /** The format the trace was read from ('pimsim' for generated traces). */
  format: TraceFormat;
  /** Source path, or a `generated:...` label for in-memory traces. */
  file: string;
  /** 1-based source line of each request (same field name as replay.ts RequestStream), for error messages (absent for generated traces). */
  line?: Int32Array;
}

/** The accepted line forms of each format, quoted in every error message about that format. */
export const ACCEPTED_FORMS: Readonly<Record<TraceFormat, readonly string[]>> = {
  pimsim: [
    'R <addr>            read of byte address <addr>: hex (0x1f40) or decimal (8000)',
    'W <addr>            write',
    'R <addr> @<cycle>   read arriving at DRAM clock cycle <cycle> (decimal); same for W',
  ],
  ramulator: [
    'LD <addr> / ST <addr>   Ramulator 2 LoadStoreTrace: load / store; <addr> hex with 0x, or decimal',
    '<addr> R / <addr> W     Ramulator memory trace: read / write; <addr> always hex, 0x optional',
  ],
  dramsim3: [
    '<addr> READ <cycle> / <addr> WRITE <cycle>   DRAMsim3 trace; <addr> always hex (0x optional), <cycle> decimal',
    '                                             also accepted: read, P_MEM_RD, P_FETCH / write, P_MEM_WR, BOFF',
  ],
};

/** The accepted line forms of each format, on one line each, for error messages. */
export const ACCEPTED_SHORT: Readonly<Record<TraceFormat, string>> = {
  pimsim: 'R <addr> | W <addr> | R <addr> @<cycle> (<addr> hex with 0x or decimal, <cycle> decimal)',
  ramulator: 'LD <addr> | ST <addr> (hex with 0x or decimal) | <addr> R | <addr> W (hex)',
  dramsim3: '<addr> READ <cycle> | <addr> WRITE <cycle> (<addr> hex, <cycle> decimal)',
};

/** The accepted forms of some formats, on one line, for error messages. */
export function describeForms(formats: readonly TraceFormat[]): string {
  return formats.map((f) => `${f}: ${ACCEPTED_SHORT[f]}`).join('; ');
}
