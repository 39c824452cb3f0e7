/**
 * Memory-trace readers and writers. Read with readTrace(file, format) or parseTrace(text, file,
 * format); formats: pimsim (R/W <addr> [@<cycle>]), ramulator (LD/ST <addr>, <addr> R/W),
 * dramsim3 (<addr> READ/WRITE <cycle>), or 'auto'. See traces/README.md.
 */
export * from './types.js';
export { parseTrace, parseTraceBytes, parseTraceFormatOption, readTrace } from './read.js';
export { detectFormat } from './detect.js';
export { formatTrace, formatTraceBytes, type FormatTraceOptions } from './write.js';
export { checkAddressesBelow, maxAddress, requestAt, requestWhere, traceFromRequests, traceRequests } from './convert.js';
export { gemvTrace, mixedTrace, randomTrace, streamTrace, type GemvTraceOptions, type MixedTraceOptions } from './generate.js';
export { SAMPLE_TRACES, sampleTraceText, type SampleTrace } from './samples.js';
