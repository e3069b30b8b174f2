// Namespace files as a tree: paths, and the visible rows of the folders that are expanded.

export interface FileEntry {
  fileName: string;
  type: "File" | "Directory";
  size?: number | null;
}

export interface TreeRow {
  path: string;
  name: string;
  depth: number;
  directory: boolean;
  size: number;
}

/** What a name is asked for: a new file or folder in `folder`, or a new name for `path`. */
export type NameRequest = { kind: "file" | "folder"; folder: string } | { kind: "rename"; path: string };

export function joinPath(folder: string, name: string): string {
  const clean = name.replace(/^\/+|\/+$/g, "");
  return folder ? `${folder}/${clean}` : clean;
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut < 0 ? "" : path.slice(0, cut);
}

/** Why a name cannot be used, or "" when it can; the server checks again. */
export function nameProblem(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) return "Give a name.";
  if (trimmed.includes("\\")) return "Use / between folders, not \\.";
  const parts = trimmed.replace(/^\/+|\/+$/g, "").split("/");
  if (parts.some((part) => part === "." || part === "..")) return `"${trimmed}" leaves the namespace: . and .. are not allowed.`;
  if (parts.some((part) => part === "")) return "A folder name is empty (two / in a row).";
  if (parts[0] === "_flows") return "_flows is reserved for the namespace's flows.";
  return "";
}

/** The rows to show: folders first then files, each folder's content under it when expanded. */
export function treeRows(children: Map<string, FileEntry[]>, expanded: Set<string>, pending: Set<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (folder: string, depth: number): void => {
    const entries = [...(children.get(folder) ?? [])];
    for (const path of pending) {
      if (parentOf(path) === folder && !entries.some((e) => e.fileName === path.split("/").pop())) {
        entries.push({ fileName: path.split("/").pop()!, type: "Directory" });
      }
    }
    entries.sort((a, b) => (a.type === b.type ? a.fileName.localeCompare(b.fileName) : a.type === "Directory" ? -1 : 1));
    for (const entry of entries) {
      const path = folder ? `${folder}/${entry.fileName}` : entry.fileName;
      const directory = entry.type === "Directory";
      rows.push({ path, name: entry.fileName, depth, directory, size: entry.size ?? 0 });
      if (directory && expanded.has(path)) walk(path, depth + 1);
    }
  };
  walk("", 0);
  return rows;
}
