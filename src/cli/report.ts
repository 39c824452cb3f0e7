/** `pimsim report`: charts, CSV and a Markdown/HTML summary from simulation result files. */
import type { Command } from 'commander';
import { checkReportTarget } from '../report/write.js';

export function register(program: Command): void {
  program
    .command('report')
    .description('draw a report (PNG charts, CSV, index.md, self-contained index.html) from result files written by `pimsim simulate --out`')
    .argument('<results...>', 'result JSON files (pimsim simulate --out file.json)')
    .option('--out <dir>', 'report directory (replaced atomically if it holds an earlier report)', 'reports/report')
    .option('--title <text>', 'report title', 'pimsim report')
    .action(async (results: string[], o: { out: string; title: string }) => {
      checkReportTarget(o.out);
      // Chart.js and the canvas load only when a report is drawn.
      const { writeReport } = await import('../report/index.js');
      const report = writeReport(results, o.out, { title: o.title });
      for (const w of report.warnings) process.stderr.write(`pimsim: warning: ${w}\n`);
      const charts = [...report.files.keys()].filter((f) => f.endsWith('.png')).length;
      process.stdout.write(`wrote ${o.out}/index.html and index.md: ${report.labels.length} run(s) (${report.labels.join(', ')}), ${charts} charts, CSV tables\n`);
    });
}
