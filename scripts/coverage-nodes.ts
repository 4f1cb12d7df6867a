// Node coverage against ComfyUI 0.8.0's built-in catalogue (spec nodes.md + changes-0.8.0.md §8, removed nodes
// excluded): how many of the 445 classes the registry has, in total and per top-level category, and which
// model-free ones are still missing.
//   node --import tsx scripts/coverage-nodes.ts [--spec DIR] [--json]
import { builtinNodes } from '../src/nodes/builtin.ts';
import { DEFAULT_SPEC_DIR, isModelFree, loadCatalogue, topCategory, type CatalogueNode } from './node-catalogue.ts';

export interface CoverageReport {
  total: number;
  present: number;
  byCategory: Record<string, { total: number; present: number }>;
  missingModelFree: CatalogueNode[];
  /** Registered names the catalogue does not list (custom or misspelt). */
  extra: string[];
}

export function coverage(specDir = DEFAULT_SPEC_DIR, registered: readonly string[] = builtinNodes().map((n) => n.name)): CoverageReport {
  const catalogue = loadCatalogue(specDir);
  const have = new Set(registered);
  const byCategory: CoverageReport['byCategory'] = {};
  let present = 0;
  for (const node of catalogue) {
    const cat = (byCategory[topCategory(node.category)] ??= { total: 0, present: 0 });
    cat.total++;
    if (have.has(node.name)) {
      cat.present++;
      present++;
    }
  }
  const names = new Set(catalogue.map((n) => n.name));
  return {
    total: catalogue.length,
    present,
    byCategory,
    missingModelFree: catalogue.filter((n) => !have.has(n.name) && isModelFree(n)),
    extra: registered.filter((n) => !names.has(n)),
  };
}

function print(report: CoverageReport): void {
  const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(0)}%`);
  console.log(`Built-in nodes (ComfyUI 0.8.0): ${report.present} of ${report.total} present (${pct(report.present, report.total)})`);
  console.log('');
  console.log('By category:');
  const rows = Object.entries(report.byCategory).sort(([a], [b]) => a.localeCompare(b));
  for (const [cat, c] of rows) console.log(`  ${cat.padEnd(22)} ${String(c.present).padStart(4)} / ${String(c.total).padEnd(4)} ${pct(c.present, c.total)}`);
  console.log('');
  console.log(`Missing model-free nodes (${report.missingModelFree.length}):`);
  for (const n of report.missingModelFree) console.log(`  ${n.name.padEnd(40)} ${n.category.padEnd(36)} ${n.module}`);
  if (report.extra.length > 0) {
    console.log('');
    console.log(`Registered but not in the catalogue (${report.extra.length}): ${report.extra.join(', ')}`);
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop()!);
if (isMain) {
  const args = process.argv.slice(2);
  const specAt = args.indexOf('--spec');
  const report = coverage(specAt >= 0 ? args[specAt + 1] : DEFAULT_SPEC_DIR);
  if (args.includes('--json')) console.log(JSON.stringify({ ...report, missingModelFree: report.missingModelFree.map((n) => n.name) }, null, 2));
  else print(report);
}
