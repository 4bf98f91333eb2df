/**
 * A plain-text table: the header, a rule of dashes, then the rows, columns two spaces apart and
 * each as wide as its widest cell. The first `leftColumns` columns are aligned left (labels), the
 * rest right (numbers); pass Infinity to align every column left.
 */
export function formatTable(header: readonly string[], rows: readonly string[][], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
