/** Writing traces back to text, in any of the formats the readers accept. */
import { InputError } from '../../util/errors.js';
import { ByteWriter } from './bytes.js';
import { writeDramsim3Line } from './dramsim3.js';
import { writePimsimLine } from './pimsim.js';
import { writeRamulatorLine } from './ramulator.js';
import type { Trace, TraceFormat } from './types.js';

export interface FormatTraceOptions {
  /** Comment lines written first, each prefixed with "# " (ASCII). Ramulator and DRAMsim3 themselves do not skip comments. */
  header?: readonly string[];
  /** Ramulator lines carry no time: drop arrival cycles instead of refusing a timed trace. */
  dropArrival?: boolean;
}

/**
 * Trace -> ASCII bytes, one request per line, each ending with a newline. pimsim form round-trips
 * exactly. Ramulator form (LD/ST) has no time. DRAMsim3 form needs a cycle on every line: an
 * untimed request is written with the previous request's cycle (0 at the start), which DRAMsim3
 * also offers at once, so it reads back as timed.
 */
export function formatTraceBytes(trace: Trace, format: TraceFormat, options: FormatTraceOptions = {}): Uint8Array {
  const out = new ByteWriter(trace.count * 16 + 256);
  for (const h of options.header ?? []) out.text(h === '' ? '#\n' : `# ${h}\n`);
  const { address, isWrite, arrival } = trace;
  switch (format) {
    case 'pimsim':
      for (let i = 0; i < trace.count; i++) writePimsimLine(out, address[i], isWrite[i] === 1, arrival[i]);
      break;
    case 'ramulator':
      for (let i = 0; i < trace.count; i++) {
        if (arrival[i] >= 0 && !options.dropArrival) {
          throw new InputError(
            'Ramulator traces carry no arrival cycles; this trace has them (pass dropArrival to write it anyway)',
            `${trace.file}: request ${i + 1}`,
          );
        }
        writeRamulatorLine(out, address[i], isWrite[i] === 1);
      }
      break;
    case 'dramsim3': {
      let cycle = 0;
      for (let i = 0; i < trace.count; i++) {
        if (arrival[i] >= 0) cycle = arrival[i];
        writeDramsim3Line(out, address[i], isWrite[i] === 1, cycle);
      }
      break;
    }
    default:
      throw new InputError(`unknown trace format "${String(format)}"; expected pimsim, ramulator or dramsim3`, trace.file);
  }
  return out.bytes();
}

/** Trace -> text; see formatTraceBytes. */
export function formatTrace(trace: Trace, format: TraceFormat, options: FormatTraceOptions = {}): string {
  const bytes = formatTraceBytes(trace, format, options);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}
