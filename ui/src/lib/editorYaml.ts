// Where the cursor is in a flow's YAML, read from the lines around it (never a full parse, so
// a 1,000-task flow costs a few milliseconds): the path of keys and list items down to the
// mapping being written, the keys it already has, its `type`, and what is being typed.

/** A list item in a path. */
export const ITEM = -1;
export type Segment = string | typeof ITEM;

export interface LineShape {
  /** Leading spaces. */
  indent: number;
  /** Starts with `- ` (a list item). */
  dash: boolean;
  /** Column where the content (after any `- `) starts. */
  keyIndent: number;
  /** The key at keyIndent, if the content is `key:`. */
  key: string | null;
  /** The text after `key:`, trimmed. */
  value: string;
  blank: boolean;
}

const KEY = /^([A-Za-z_$][\w.$-]*)\s*:(?:\s+|$)(.*)$/;

export function lineShape(text: string): LineShape {
  let i = 0;
  while (i < text.length && text[i] === " ") i++;
  const indent = i;
  const rest = text.slice(i);
  if (!rest.trim() || rest.startsWith("#")) return { indent, dash: false, keyIndent: indent, key: null, value: "", blank: true };
  let dash = false;
  while (text.startsWith("- ", i) || text.slice(i) === "-") {
    dash = true;
    i += 2;
    while (text[i] === " ") i++;
  }
  const content = text.slice(i);
  const match = KEY.exec(content);
  return {
    indent,
    dash,
    keyIndent: i,
    key: match ? match[1] : null,
    value: match ? match[2].replace(/\s+#.*$/, "").trim() : content.trim(),
    blank: false,
  };
}

export interface Context {
  /** Keys and list items from the root down to the mapping the cursor line belongs to. */
  path: Segment[];
  /** types[k]: the `type` of the mapping at path[0..k] (list items only); the last entry is the
   * cursor mapping's own. */
  types: (string | null)[];
  /** Keys the cursor's mapping already has (other than the one on the cursor line). */
  siblings: Set<string>;
  /** Column of the cursor mapping's keys. */
  keyIndent: number;
  /** What the cursor line is: a key being typed, or the value of `key`. */
  kind: "key" | "value" | "other";
  /** The key of the cursor line (for a value). */
  key: string | null;
  /** The word being typed, and where it starts in the document. */
  word: string;
  from: number;
}

function unquote(value: string): string {
  return value.replace(/^["']|["']$/g, "");
}

/** The mapping starting at `start` (a line index) with keys at `keyIndent`: its keys and type. */
function mappingAround(lines: Lines, line: number, keyIndent: number, skip: number): { keys: Set<string>; type: string | null } {
  const keys = new Set<string>();
  let type: string | null = null;
  const visit = (i: number): boolean => {
    if (i === skip) return true;
    const shape = lineShape(lines[i]);
    if (shape.blank) return true;
    if (shape.keyIndent < keyIndent) {
      // The first line of a list item holds a key of this same mapping.
      if (shape.dash && shape.keyIndent === keyIndent && shape.key) keys.add(shape.key);
      return false;
    }
    if (shape.keyIndent === keyIndent && shape.key && (!shape.dash || i === line)) {
      keys.add(shape.key);
      if (shape.key === "type") type = unquote(shape.value);
    }
    return true;
  };
  // Upwards to the item's dash or the parent key, downwards to the end of the mapping.
  for (let i = line; i >= 0; i--) {
    const shape = lineShape(lines[i]);
    if (i !== skip && !shape.blank && shape.keyIndent === keyIndent && shape.key) {
      keys.add(shape.key);
      if (shape.key === "type") type = unquote(shape.value);
    }
    if (!shape.blank && (shape.keyIndent < keyIndent || (shape.dash && shape.keyIndent === keyIndent))) break;
  }
  for (let i = line + 1; i < lines.length; i++) {
    const shape = lineShape(lines[i]);
    if (shape.blank) continue;
    if (shape.keyIndent < keyIndent || (shape.dash && shape.indent < keyIndent) || (shape.dash && shape.keyIndent === keyIndent)) break;
    visit(i);
  }
  return { keys, type };
}

/** The path of the mapping whose keys sit at `keyIndent` on line `line` (0-based). */
export function pathAt(lines: Lines, line: number, keyIndent: number, startsItem: boolean, itemIndent: number): { path: Segment[]; starts: number[] } {
  const path: Segment[] = [];
  const starts: number[] = [];
  let mode: "map" | "seq" = "map";
  let want = keyIndent;
  if (startsItem) {
    path.unshift(ITEM);
    starts.unshift(line);
    mode = "seq";
    want = itemIndent;
  }
  for (let i = line - 1; i >= 0; i--) {
    if (mode === "map" && want === 0) break;
    // Deeper than the column looked at (a space there): skipped without parsing the line, so
    // walking up past the 999 tasks before the cursor stays cheap.
    const text = lines[i];
    if (text.length > want && text.charCodeAt(want) === 32 && text.slice(0, want + 1).trim() === "") continue;
    const shape = lineShape(text);
    if (shape.blank) continue;
    if (mode === "map") {
      if (shape.keyIndent > want) continue;
      if (shape.keyIndent === want) {
        if (shape.dash) {
          path.unshift(ITEM);
          starts.unshift(i);
          mode = "seq";
          want = shape.indent;
        }
        continue;
      }
    } else {
      if (shape.indent > want) continue;
      if (shape.dash && shape.indent === want) continue;
    }
    if (!shape.key) continue;
    path.unshift(shape.key);
    starts.unshift(i);
    if (shape.dash) {
      path.unshift(ITEM);
      starts.unshift(i);
      mode = "seq";
      want = shape.indent;
    } else {
      mode = "map";
      want = shape.keyIndent;
    }
  }
  return { path, starts };
}

/** Lines read one at a time: an array, or the editor's document without copying it. */
export interface Lines {
  readonly length: number;
  readonly [index: number]: string;
}

/** The context of a cursor at `pos` in `text`. */
export function contextAt(text: string, pos: number): Context {
  const lineStart = text.lastIndexOf("\n", pos - 1) + 1;
  const line = text.slice(0, lineStart).split("\n").length - 1;
  return contextIn(text.split("\n"), line, text.slice(lineStart, pos), pos);
}

/** The context of a cursor at `pos`, on line `line` (0-based) after the text `before`. */
export function contextIn(lines: Lines, line: number, before: string, pos: number): Context {
  const shape = lineShape(before);
  let kind: Context["kind"] = "other";
  let key: string | null = null;
  let word = "";
  let from = pos;
  const keyTyped = /^\s*(?:-\s+)*([\w.$-]*)$/.exec(before);
  const valueTyped = /^\s*(?:-\s+)*([\w.$-]+)\s*:\s+["']?([^"'\s]*)$/.exec(before);
  if (keyTyped) {
    kind = "key";
    word = keyTyped[1];
    from = pos - word.length;
  } else if (valueTyped) {
    kind = "value";
    key = valueTyped[1];
    word = valueTyped[2];
    from = pos - word.length;
  }
  if (kind === "other") return { path: [], types: [null], siblings: new Set(), keyIndent: shape.keyIndent, kind, key, word, from };
  // An empty line: its keys go where the cursor is; an item (`- `) starts a new mapping.
  const keyIndent = shape.blank ? before.length : shape.keyIndent;
  const startsItem = shape.dash;
  const { path, starts } = pathAt(lines, line, keyIndent, startsItem, shape.indent);
  const around = mappingAround(lines, line, keyIndent, line);
  // The type of each list item along the path (a task inside a flowable...), then the cursor's.
  const types: (string | null)[] = path.map((segment, k) =>
    segment === ITEM && k < path.length - 1 ? mappingAround(lines, starts[k], lineShape(lines[starts[k]]).keyIndent, -1).type : null,
  );
  types.push(around.type);
  return { path, types, siblings: around.keys, keyIndent, kind, key, word, from };
}

export interface TaskEntry {
  id: string;
  type: string | null;
  line: number;
}

/** Every task (a mapping with `id` and `type` under a task list), in order, with its line. */
export function tasksIn(text: string): TaskEntry[] {
  const lines = text.split("\n");
  const found: TaskEntry[] = [];
  const open: { indent: number; entry: TaskEntry }[] = [];
  let inTriggers = false;
  for (let i = 0; i < lines.length; i++) {
    const shape = lineShape(lines[i]);
    if (shape.blank) continue;
    if (shape.indent === 0 && shape.key) inTriggers = shape.key === "triggers" || shape.key === "inputs" || shape.key === "pluginDefaults" || shape.key === "variables";
    if (inTriggers || !shape.key) continue;
    while (open.length && open[open.length - 1].indent > shape.keyIndent) open.pop();
    const top = open[open.length - 1];
    if (shape.dash) {
      const entry: TaskEntry = { id: "", type: null, line: i };
      open.push({ indent: shape.keyIndent, entry });
      if (shape.key === "id") entry.id = unquote(shape.value);
      if (shape.key === "type") entry.type = unquote(shape.value);
      if (entry.id || entry.type) found.push(entry);
    } else if (top && top.indent === shape.keyIndent) {
      const had = Boolean(top.entry.id || top.entry.type);
      if (shape.key === "id") top.entry.id = unquote(shape.value);
      if (shape.key === "type") top.entry.type = unquote(shape.value);
      if (!had && (top.entry.id || top.entry.type)) found.push(top.entry);
    }
  }
  return found.filter((t) => t.id && t.type && /\./.test(t.type));
}

/** The ids of the items of a root list (`inputs`), or the keys of a root map (`variables`). */
export function rootEntries(text: string, root: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`${root}:`));
  if (start < 0) return [];
  const out: string[] = [];
  let childIndent = -1;
  for (let i = start + 1; i < lines.length; i++) {
    const shape = lineShape(lines[i]);
    if (shape.blank) continue;
    if (shape.indent === 0 && !shape.dash) break;
    if (root === "inputs") {
      if (childIndent < 0 && shape.dash) childIndent = shape.keyIndent;
      if (shape.keyIndent === childIndent && (shape.key === "id" || shape.key === "name")) out.push(unquote(shape.value));
    } else {
      if (childIndent < 0) childIndent = shape.keyIndent;
      if (shape.keyIndent === childIndent && shape.key && !shape.dash) out.push(shape.key);
    }
  }
  return out;
}

/** The `type` written on the mapping of line `line` (0-based), for hover and the docs panel. */
export function typeAtLine(text: string, line: number): string | null {
  const lines = text.split("\n");
  if (line < 0 || line >= lines.length) return null;
  const shape = lineShape(lines[line]);
  if (shape.blank) return null;
  if (shape.key === "type") return unquote(shape.value) || null;
  return mappingAround(lines, line, shape.keyIndent, -1).type;
}

/** A cheap fingerprint of a flow's structure: ids, types and nesting; the topology is drawn
 * again only when it changes, not on every keystroke inside a message. */
export function structureOf(text: string): string {
  const parts: string[] = [];
  const lines = text.split("\n");
  for (const line of lines) {
    const shape = lineShape(line);
    if (shape.blank || !shape.key) continue;
    if (shape.key === "id" || shape.key === "type" || shape.indent === 0 || shape.key === "tasks" || shape.key === "dependsOn" || shape.key === "cases" || shape.key === "then" || shape.key === "else")
      parts.push(`${shape.indent}${shape.dash ? "-" : ""}${shape.key}=${shape.key === "id" || shape.key === "type" ? shape.value : ""}`);
  }
  return parts.join("\n");
}
