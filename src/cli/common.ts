/** Output helpers shared by the CLI commands (options are declared in options.ts). */

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** A two-column table for human-readable summaries. */
export function printTable(rows: readonly (readonly [string, string | number])[]): void {
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${typeof v === 'number' ? fmt(v) : v}\n`);
}

export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toPrecision(4);
}

/** Microseconds with two decimals: "12.34 µs". */
export function us(ns: number): string {
  return `${(ns / 1000).toFixed(2)} µs`;
}

/** Terminal width the human-readable output is laid out for. */
export const TERMINAL_COLUMNS = 120;

/** Word-wraps `text` to `width` columns; continuation lines start with `indent`. */
export function wrap(text: string, width = TERMINAL_COLUMNS, indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length > width && line !== '') {
      lines.push(line);
      line = indent + word;
    } else line = candidate;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** A column-aligned table (first column left, the rest right); undefined when wider than `width`. */
export function alignedTable(header: readonly string[], rows: readonly (readonly string[])[], width = TERMINAL_COLUMNS): string | undefined {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  return lines.every((l) => l.length <= width) ? lines.join('\n') + '\n' : undefined;
}
