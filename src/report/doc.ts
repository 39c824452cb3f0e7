/**
 * A small document model for the report, rendered to Markdown (images by relative path) and to a
 * self-contained HTML page (images as base64 data URIs), so both say exactly the same thing.
 */

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly numeric?: readonly boolean[] }
  | { readonly kind: 'figure'; readonly file: string; readonly caption: string }
  | { readonly kind: 'links'; readonly items: readonly { readonly text: string; readonly href: string }[] };

function md(s: string): string {
  return s.replace(/([\\`*_<>|[\]])/g, '\\$1').replace(/\n/g, ' ');
}

export function renderMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level)} ${md(b.text)}`);
        break;
      case 'paragraph':
        out.push(md(b.text));
        break;
      case 'list':
        out.push(b.items.map((i) => `- ${md(i)}`).join('\n'));
        break;
      case 'table': {
        const align = b.header.map((_, i) => (b.numeric?.[i] ? '---:' : '---'));
        out.push([b.header, align, ...b.rows].map((r, i) => `| ${(i === 1 ? r : r.map(md)).join(' | ')} |`).join('\n'));
        break;
      }
      case 'figure':
        out.push(`![${md(b.caption)}](${b.file})\n\n*${md(b.caption)}*`);
        break;
      case 'links':
        out.push(b.items.map((l) => `- [${md(l.text)}](${l.href})`).join('\n'));
        break;
    }
  }
  return out.join('\n\n') + '\n';
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}
th{background:#f2f2f2;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{font-style:italic;font-size:0.9em;color:#444}
h1{border-bottom:2px solid #ddd}h2{border-bottom:1px solid #eee;margin-top:2em}`;

/** A drawn figure: PNG bytes and the size (CSS pixels) it is laid out for. */
export interface FigureImage {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/** A self-contained page: `images` maps each figure's file to its PNG and layout size, shown at that size. */
export function renderHtml(title: string, blocks: readonly Block[], images: ReadonlyMap<string, FigureImage>): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        body.push(`<h${b.level}>${html(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        body.push(`<p>${html(b.text)}</p>`);
        break;
      case 'list':
        body.push(`<ul>\n${b.items.map((i) => `<li>${html(i)}</li>`).join('\n')}\n</ul>`);
        break;
      case 'table': {
        const head = `<tr>${b.header.map((h) => `<th>${html(h)}</th>`).join('')}</tr>`;
        const rows = b.rows.map((r) => `<tr>${r.map((c, i) => `<td${b.numeric?.[i] ? ' class="n"' : ''}>${html(c)}</td>`).join('')}</tr>`);
        body.push(`<table>\n${head}\n${rows.join('\n')}\n</table>`);
        break;
      }
      case 'figure': {
        const img = images.get(b.file);
        if (!img) throw new Error(`report figure ${b.file} was not rendered`);
        // Shown at the size it was laid out for (its text at its drawn size); the PNG has more pixels for dense screens.
        body.push(`<figure><img width="${img.width}" height="${img.height}" alt="${html(b.caption)}" src="data:image/png;base64,${img.png.toString('base64')}"><figcaption>${html(b.caption)}</figcaption></figure>`);
        break;
      }
      case 'links':
        body.push(`<ul>\n${b.items.map((l) => `<li><a href="${html(l.href)}">${html(l.text)}</a></li>`).join('\n')}\n</ul>`);
        break;
    }
  }
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${html(title)}</title>\n<style>\n${CSS}\n</style>\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}
