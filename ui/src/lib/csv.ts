// A small CSV reader for previews: quoted fields, doubled quotes, commas and newlines in quotes.

export function parseCsv(text: string, separator = ","): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === separator) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** CSV text as row objects keyed by the header line. */
export function csvRecords(text: string, separator = ","): Record<string, string>[] {
  const [header, ...rest] = parseCsv(text, separator);
  if (!header) return [];
  return rest.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ""])));
}
