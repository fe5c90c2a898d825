/**
 * The preview page: one HTML file with the data and the bundled drawing script (ECharts and @grafana/data, built
 * by esbuild), so the browser needs nothing but the file. Dark, like Grafana's default theme.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { PageData, PagePanel } from './page-data.js';

const SCRIPT = fileURLToPath(new URL('./browser/dashboard.ts', import.meta.url));

/** Room above the dashboard for its title and the scenario, and below it for the queries. */
export const PAGE_MARGIN = 16;

export async function bundleScript(): Promise<string> {
  const result = await build({
    entryPoints: [SCRIPT],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return (result.outputFiles[0] as { text: string }).text;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** `</script>` inside the data must not end the script element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function pageHtml(data: PageData, script: string, caption: string): string {
  const from = new Date(data.range.from).toISOString().replace('.000Z', 'Z');
  const to = new Date(data.range.to).toISOString().replace('.000Z', 'Z');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(data.title)} · preview</title>
<style>
  body { margin: 0; background: #111217; color: #ccccdc; font: 13px/1.4 'DejaVu Sans', 'Liberation Sans', sans-serif; }
  header { padding: ${PAGE_MARGIN}px ${PAGE_MARGIN}px 8px; }
  header h1 { margin: 0 0 4px; font-size: 20px; font-weight: 500; }
  header p { margin: 0; color: #9fa7b3; }
  #dashboard { position: relative; margin: 0 ${PAGE_MARGIN}px ${PAGE_MARGIN}px; width: ${data.width}px; }
  .row { position: absolute; box-sizing: border-box; padding: 6px 0; font-size: 15px; font-weight: 500; }
  .panel { position: absolute; box-sizing: border-box; display: flex; flex-direction: column; background: #181b1f;
    border: 1px solid rgba(204, 204, 220, 0.12); border-radius: 2px; overflow: hidden; }
  .title { padding: 6px 8px 0; font-weight: 500; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .body { flex: 1; min-height: 0; display: flex; flex-direction: column; padding: 4px 8px 8px; }
  .chart { flex: 1; min-height: 0; }
  .stat { flex: 1; display: flex; align-items: center; justify-content: center; font-size: 40px; font-weight: 500; color: #fff; }
  .legend { border-collapse: collapse; font-size: 12px; margin-top: 4px; }
  .legend td { padding: 1px 8px 1px 0; white-space: nowrap; }
  .legend tr:first-child td { color: #9fa7b3; }
  .legend td:not(:first-child) { text-align: right; }
  .swatch { display: inline-block; width: 14px; height: 4px; margin: 0 6px 2px 0; border-radius: 2px; }
  .message { flex: 1; display: flex; align-items: center; justify-content: center; color: #9fa7b3; }
  .message.error { color: #f2495c; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(data.title)}</h1>
  <p>${escapeHtml(caption)} · ${from} to ${to} (UTC) · every query as Grafana sends it, answered by Prometheus</p>
</header>
<div id="dashboard"></div>
<script>window.PREVIEW = ${scriptJson(data)};</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Panels drawn on the page, rows aside. */
export const drawnPanels = (data: PageData): PagePanel[] => data.panels.filter((p) => p.type !== 'row');
