// Plain-text tables for the CLI's output: columns padded to their widest cell, two spaces apart.

/** The rows (the first one the header) as aligned lines, each without trailing spaces; no final newline. */
export function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
