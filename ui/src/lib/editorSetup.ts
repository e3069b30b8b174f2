// The CodeMirror 6 flow editor: YAML, completion from the flow schema and the expression
// catalog, hover docs, validation markers, save and execute shortcuts. Imported dynamically by
// the editor component only, so CodeMirror never weighs on the first page.
import { autocompletion, type Completion, type CompletionContext, type CompletionResult, snippet, startCompletion } from "@codemirror/autocomplete";
import { indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { ensureSyntaxTree, HighlightStyle, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, type Text } from "@codemirror/state";
import { EditorView, hoverTooltip, keymap, type Tooltip } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { basicSetup } from "codemirror";
import { contextAt, contextIn, type Lines, lineShape, rootEntries, tasksIn, typeAtLine } from "@/lib/editorYaml";
import type { SchemaIndex } from "@/lib/editorSchema";
import { type ExpressionCatalog, expressionCompletions } from "@/lib/editorExpressions";

export interface EditorHooks {
  schema: () => SchemaIndex | null;
  /** Resolves once the schema and the expression catalog are loaded (or failed to). */
  ready: () => Promise<unknown>;
  expressions: () => ExpressionCatalog | null;
  /** The outputs a task type declares (name to description and type), fetched on demand. */
  outputsOf: (type: string) => Promise<{ name: string; type: string; description: string }[]>;
  onChange: (text: string) => void;
  onCursor: (line: number) => void;
  onSave: () => void;
  onExecute: () => void;
  onDocs: (type: string) => void;
}

export interface Marker {
  line: number;
  column: number;
  path: string;
  message: string;
  severity: "error" | "warning";
}

export interface FlowEditor {
  view: EditorView;
  text: () => string;
  setText: (text: string) => void;
  mark: (markers: Marker[]) => void;
  destroy: () => void;
}

const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: "var(--accent)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--state-success)" },
  { tag: [tags.number, tags.bool, tags.null, tags.atom], color: "var(--state-warning)" },
  { tag: tags.comment, color: "var(--muted)", fontStyle: "italic" },
  { tag: [tags.punctuation, tags.separator], color: "var(--muted)" },
  { tag: [tags.keyword, tags.typeName], color: "var(--state-running)" },
]);

const INFO_GAP = 4;
const INFO_WIDTH = 448;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/**
 * Where a completion's documentation goes: beside the list when it fits there, else under the
 * whole list (over it when there is no room under), never on top of the options. CodeMirror's
 * own placement puts it over the options below the selected one when neither side has room.
 */
function positionInfo(_view: EditorView, list: Box, option: Box, info: Box, space: Box): { style?: string; class?: string } {
  const width = Math.min(info.right - info.left, INFO_WIDTH);
  const height = info.bottom - info.top;
  const right = space.right - list.right - INFO_GAP;
  const left = list.left - space.left - INFO_GAP;
  const side = right >= width ? "right" : left >= width ? "left" : null;
  if (side) {
    const top = Math.max(space.top, Math.min(option.top, space.bottom - height)) - list.top;
    return { style: `top: ${top}px; max-width: ${Math.min(INFO_WIDTH, side === "right" ? right : left)}px`, class: `cm-completionInfo-${side}` };
  }
  const under = space.bottom - list.bottom;
  const below = under >= height + INFO_GAP || under >= list.top - space.top;
  const offset = list.bottom - list.top + INFO_GAP;
  const maxWidth = Math.min(INFO_WIDTH, space.right - list.left);
  return { style: `${below ? "top" : "bottom"}: ${offset}px; max-width: ${maxWidth}px`, class: "cm-completionInfo-below" };
}

const theme = EditorView.theme({
  "&": { height: "100%", backgroundColor: "var(--surface)", color: "var(--text)", fontSize: "13px" },
  ".cm-scroller": { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", lineHeight: "1.5" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--code-bg)", color: "var(--muted)", borderRight: "1px solid var(--border)" },
  ".cm-activeLine": { backgroundColor: "color-mix(in srgb, var(--accent-soft) 45%, transparent)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--accent-soft)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "color-mix(in srgb, var(--accent) 30%, transparent) !important" },
  ".cm-tooltip": { backgroundColor: "var(--surface)", color: "var(--text)", border: "1px solid var(--border)", borderRadius: "6px", boxShadow: "var(--shadow)" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent)", color: "#fff" },
  ".cm-completionDetail": { color: "var(--muted)", fontStyle: "normal", marginLeft: "0.6em" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected] .cm-completionDetail": { color: "rgb(255 255 255 / 0.8)" },
  // The list stays narrow enough for its documentation to fit beside it on most screens.
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { maxWidth: "min(34rem, 70vw)" },
  ".cm-tooltip-autocomplete > ul > li": { overflow: "hidden", textOverflow: "ellipsis" },
  ".cm-tooltip.cm-completionInfo": { padding: "0.5rem 0.7rem", whiteSpace: "pre-wrap" },
  ".cm-tooltip.cm-completionInfo.cm-completionInfo-right": { marginLeft: `${INFO_GAP}px` },
  ".cm-tooltip.cm-completionInfo.cm-completionInfo-left": { marginRight: `${INFO_GAP}px` },
  ".cm-tooltip.cm-completionInfo.cm-completionInfo-below": { left: "0" },
  ".cm-panels": { backgroundColor: "var(--code-bg)", color: "var(--text)" },
  ".cm-hover-doc": { maxWidth: "30rem", padding: "0.5rem 0.7rem", fontFamily: "system-ui, sans-serif", fontSize: "13px" },
  ".cm-hover-doc strong": { display: "block", marginBottom: "0.25rem" },
  ".cm-hover-doc button": { marginTop: "0.4rem" },
  ".cm-diagnostic": { fontFamily: "system-ui, sans-serif" },
});

function shortName(type: string): string {
  return type.slice(type.lastIndexOf(".") + 1);
}

function clipped(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function firstParagraph(text: string | undefined): string {
  return (text ?? "").split(/\n\s*\n/)[0].trim();
}

/** The document's lines, read one by one from the editor's rope: no copy of a large flow on
 * each keystroke. */
function docLines(doc: Text): Lines {
  const target = { length: doc.lines } as Lines;
  return new Proxy(target, {
    get: (object, key) => (typeof key === "string" && /^\d+$/.test(key) ? doc.line(Number(key) + 1).text : Reflect.get(object, key)),
  });
}

function yamlCompletions(hooks: EditorHooks, context: CompletionContext): CompletionResult | null {
  const index = hooks.schema();
  if (!index) return null;
  const line = context.state.doc.lineAt(context.pos);
  const where = contextIn(docLines(context.state.doc), line.number - 1, line.text.slice(0, context.pos - line.from), context.pos);
  if (where.kind === "other") return null;
  if (!context.explicit && where.kind === "key" && !where.word) {
    // An empty line: open only when asked (Ctrl-Space), not on each Enter.
    return null;
  }
  const pad = " ".repeat(where.keyIndent);
  if (where.kind === "key") {
    const options: Completion[] = [];
    for (const property of index.propertiesAt(where.path, where.types)) {
      if (where.siblings.has(property.name)) continue;
      const shape = index.shapeOf(property.schema);
      const apply = shape === "list" ? `${property.name}:\n${pad}  - ` : shape === "object" ? `${property.name}:\n${pad}  ` : `${property.name}: `;
      options.push({
        label: property.name,
        type: "property",
        detail: property.name === "type" && !where.types[where.path.length] ? "the plugin type" : clipped(`${property.required ? "required · " : ""}${index.describe(property.schema)}`),
        info: firstParagraph(property.schema.description ?? property.schema.title) || undefined,
        boost: property.name === "id" ? 3 : property.name === "type" ? 2 : property.required ? 1 : 0,
        apply: (view, _completion, from, to) => {
          view.dispatch({ changes: { from, to, insert: apply }, selection: { anchor: from + apply.length } });
          if (property.name === "type" || index.valuesOf(property.schema).length) startCompletion(view);
        },
      });
    }
    return { from: where.from, options, validFor: /^[\w.$-]*$/ };
  }
  const properties = index.propertiesAt(where.path, where.types);
  if (where.key === "type") {
    const types = index.typesAt(where.path, where.types);
    if (!types.length) return null;
    return {
      from: where.from,
      validFor: /^[\w.]*$/,
      options: types.map((info) => {
        const required = Object.keys(info.schema.properties ?? {}).filter(
          (name) => info.schema.required?.includes(name) && name !== "type" && name !== "id" && !where.siblings.has(name),
        );
        // Snippet lines take the line's own indentation; add only what the keys sit deeper
        // (after a `- `).
        const lineIndent = /^ */.exec(context.state.doc.lineAt(context.pos).text)![0].length;
        const extra = " ".repeat(Math.max(0, where.keyIndent - lineIndent));
        const body = required.map((name) => `\n${extra}${name}: \${}`).join("");
        return {
          label: info.name,
          displayLabel: info.name,
          detail: info.deprecated ? "deprecated" : shortName(info.name) === info.name ? undefined : shortName(info.name),
          info: firstParagraph(info.schema.description) || undefined,
          type: "class",
          boost: info.deprecated ? -10 : info.name.startsWith("io.kestra.plugin.core.") ? 1 : 0,
          apply: body ? snippet(`${info.name}${body}`) : info.name,
        };
      }),
    };
  }
  const property = properties.find((p) => p.name === where.key);
  const values = property ? index.valuesOf(property.schema) : [];
  if (!values.length) return null;
  return {
    from: where.from,
    validFor: /^[\w.-]*$/,
    options: values.map((value) => ({ label: value, type: "enum" })),
  };
}

function completions(hooks: EditorHooks) {
  return async (context: CompletionContext): Promise<CompletionResult | null> => {
    // The first completion may come before the schema has arrived: wait for it.
    if (!hooks.schema() || !hooks.expressions()) await hooks.ready();
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const open = before.lastIndexOf("{{");
    if (open >= 0 && before.indexOf("}}", open) < 0) {
      let copy: string | null = null;
      const text = (): string => (copy ??= context.state.doc.toString());
      const cursorLine = line.number - 1;
      return expressionCompletions(before.slice(open + 2), context.pos, {
        catalog: hooks.expressions(),
        inputs: () => rootEntries(text(), "inputs"),
        variables: () => rootEntries(text(), "variables"),
        labels: () => rootEntries(text(), "labels"),
        tasksBefore: () => tasksIn(text()).filter((task) => task.line < cursorLine),
        outputsOf: hooks.outputsOf,
      });
    }
    return yamlCompletions(hooks, context);
  };
}

function hover(hooks: EditorHooks) {
  return hoverTooltip(async (view, pos): Promise<Tooltip | null> => {
    if (!hooks.schema()) await hooks.ready();
    const index = hooks.schema();
    if (!index) return null;
    const line = view.state.doc.lineAt(pos);
    const shape = lineShape(line.text);
    if (shape.blank || !shape.key) return null;
    const keyFrom = line.from + shape.keyIndent;
    const keyTo = keyFrom + shape.key.length;
    let title = "";
    let body = "";
    let docsFor: string | null = null;
    if (shape.key === "type" && pos > keyTo) {
      const type = shape.value.replace(/^["']|["']$/g, "");
      const info = index.types.get(type);
      if (!info) return null;
      title = info.name;
      body = firstParagraph(info.schema.description);
      if (info.deprecated) body = `Deprecated. ${body}`;
      if (info.name !== type) body = `${type} is a legacy name of ${info.name}. ${body}`;
      docsFor = info.name;
    } else if (pos >= keyFrom && pos <= keyTo) {
      const text = view.state.doc.toString();
      const where = contextAt(text, keyFrom);
      const property = index.propertiesAt(where.path, where.types).find((p) => p.name === shape.key);
      if (!property) return null;
      title = `${property.name}: ${index.describe(property.schema)}${property.required ? " (required)" : ""}`;
      body = firstParagraph(property.schema.description ?? property.schema.title);
      docsFor = typeAtLine(text, line.number - 1);
    } else {
      return null;
    }
    return {
      pos: keyFrom,
      end: line.to,
      above: true,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "cm-hover-doc";
        const strong = document.createElement("strong");
        strong.textContent = title;
        dom.append(strong);
        if (body) dom.append(document.createTextNode(body));
        if (docsFor) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = "Open the documentation";
          const type = docsFor;
          button.addEventListener("click", () => hooks.onDocs(type));
          dom.append(document.createElement("br"), button);
        }
        return { dom };
      },
    };
  });
}

/** Typing `{{` opens an expression: `{{ | }}`, the cursor in the middle. Braces are not paired
 * one by one (closeBrackets leaves them out below), so `{{` never becomes `{{}}}`. */
const expressionBraces = EditorView.inputHandler.of((view, from, to, text) => {
  if (text !== "{" || view.state.sliceDoc(from - 1, from) !== "{") return false;
  const after = view.state.sliceDoc(to, to + 2);
  const insert = after === "}}" ? "{ " : "{  }}";
  view.dispatch({ changes: { from, to, insert }, selection: { anchor: from + 2 }, userEvent: "input.type" });
  return true;
});

/** The range a marker covers: the field (key) it names on its line, else the whole line. */
function markerRange(view: EditorView, marker: Marker): { from: number; to: number } {
  const doc = view.state.doc;
  const lineNo = Math.min(Math.max(1, marker.line), doc.lines);
  const line = doc.line(lineNo);
  const from = Math.min(line.to, line.from + Math.max(0, marker.column - 1));
  const field = /(?:^|\.)([\w$-]+)(?:\[\d+\])?$/.exec(marker.path)?.[1];
  const rest = line.text.slice(from - line.from);
  if (field && rest.startsWith(field)) {
    // The key and its value, as far as the line goes.
    return { from, to: Math.max(from + field.length, line.to) };
  }
  return { from: line.from + lineShape(line.text).keyIndent, to: Math.max(line.to, line.from + 1) };
}

/** How long typing pauses before the text is handed to `onChange`, in milliseconds. */
export const CHANGE_DELAY = 100;

/** The most time spent parsing the whole text when the editor opens, in milliseconds. */
const FULL_PARSE_MS = 2000;

/** The name of the User Timing measure of each application of validation markers. */
export const MARKERS_MEASURE = "tiercel:markers";

export function createFlowEditor(parent: HTMLElement, initial: string, hooks: EditorHooks): FlowEditor {
  let changed: ReturnType<typeof setTimeout> | undefined;
  let marked = false;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: initial,
      extensions: [
        basicSetup,
        yaml(),
        EditorState.languageData.of(() => [{ closeBrackets: { brackets: ["(", "[", "'", '"'] } }]),
        expressionBraces,
        indentUnit.of("  "),
        EditorState.tabSize.of(2),
        syntaxHighlighting(highlight),
        theme,
        lintGutter(),
        autocompletion({ override: [completions(hooks)], activateOnTyping: true, activateOnTypingDelay: 0, interactionDelay: 0, maxRenderedOptions: 200, icons: false, positionInfo }),
        hover(hooks),
        keymap.of([
          { key: "Mod-s", preventDefault: true, run: () => (hooks.onSave(), true) },
          { key: "Mod-e", preventDefault: true, run: () => (hooks.onExecute(), true) },
          indentWithTab,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) {
            // The whole text is handed on once typing pauses, not on each key: copying a
            // large flow out of the editor's tree and re-rendering the page around it per
            // key is what typing would wait for.
            clearTimeout(changed);
            changed = setTimeout(() => hooks.onChange(update.view.state.doc.toString()), CHANGE_DELAY);
          }
          if (update.selectionSet || update.docChanged) hooks.onCursor(update.state.doc.lineAt(update.state.selection.main.head).number - 1);
        }),
        EditorView.contentAttributes.of({ "aria-label": "Flow source", "data-testid": "flow-editor" }),
      ],
    }),
  });
  // The whole text parsed now, while the editor is being opened, not in 100 ms slices between
  // the first keys typed (CodeMirror parses in the background past the visible lines); edits
  // then reparse only around the change.
  ensureSyntaxTree(view.state, view.state.doc.length, FULL_PARSE_MS);
  return {
    view,
    text: () => view.state.doc.toString(),
    setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    mark: (markers) => {
      // No marker before nor now: nothing to dispatch (an update of the whole view otherwise).
      if (!markers.length && !marked) return;
      const started = performance.now();
      marked = markers.length > 0;
      const diagnostics: Diagnostic[] = markers.map((marker) => ({
        ...markerRange(view, marker),
        severity: marker.severity,
        source: marker.path || undefined,
        message: marker.path ? `${marker.path}: ${marker.message}` : marker.message,
      }));
      view.dispatch(setDiagnostics(view.state, diagnostics));
      performance.measure(MARKERS_MEASURE, { start: started, end: performance.now() });
    },
    destroy: () => {
      clearTimeout(changed);
      view.destroy();
    },
  };
}
