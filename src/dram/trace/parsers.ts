/** The line readers of each trace format (scan.ts FormatParser): the general parser and its fast path. */
import { parseDramsim3Line } from './dramsim3.js';
import { fastPimsimLine, parsePimsimLine } from './pimsim.js';
import { fastRamulatorLine, parseRamulatorLine } from './ramulator.js';
import type { FormatParser } from './scan.js';
import type { TraceFormat } from './types.js';

export const FORMAT_PARSERS: Readonly<Record<TraceFormat, FormatParser>> = {
  pimsim: { line: parsePimsimLine, fast: fastPimsimLine },
  ramulator: { line: parseRamulatorLine, fast: fastRamulatorLine },
  dramsim3: { line: parseDramsim3Line },
};
