// Reading a plugin type's JSON Schema for its documentation page: a property's type as text,
// and a tiny Markdown renderer (headings, paragraphs, code, bold, links) that escapes all HTML.

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  $ref?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  deprecated?: boolean;
  $examples?: { title?: string; code?: string; full?: boolean }[];
  examples?: unknown[];
}

export function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf("/") + 1);
}

/** `string`, `integer | null`, `array of string`, `LogLevel`, `enum: A, B`... */
export function typeText(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.length > 6 ? `enum (${schema.enum.length} values)` : `enum: ${schema.enum.join(", ")}`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map(typeText))].join(" | ");
  if (schema.allOf?.length === 1) return typeText(schema.allOf[0]);
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type;
  if (type === "array") return `array of ${typeText(schema.items)}`;
  if (type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object")
    return `map of ${typeText(schema.additionalProperties)}`;
  if (schema.format && type === "string") return `string (${schema.format})`;
  return type ?? "any";
}

/** The `$ref` names a property's type mentions, to link to their definitions. */
export function refsOf(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  const found: string[] = [];
  if (schema.$ref) found.push(refName(schema.$ref));
  for (const part of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) found.push(...refsOf(part));
  if (schema.items) found.push(...refsOf(schema.items));
  return [...new Set(found)];
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function inline(text: string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
}

export function markdown(source: string): string {
  const out: string[] = [];
  const blocks = source.replace(/\r\n/g, "\n").split(/\n```/);
  blocks.forEach((block, index) => {
    if (index % 2 === 1) {
      const [, ...code] = block.split("\n");
      out.push(`<pre><code>${escape(code.join("\n"))}</code></pre>`);
      return;
    }
    for (const para of block.split(/\n{2,}/)) {
      const text = para.trim();
      if (!text) continue;
      const heading = /^(#{1,4})\s+(.*)$/.exec(text);
      if (heading) out.push(`<h${heading[1].length + 1}>${inline(heading[2])}</h${heading[1].length + 1}>`);
      else if (/^[-*] /.test(text)) out.push(`<ul>${text.split(/\n[-*] /).map((item) => `<li>${inline(item.replace(/^[-*] /, ""))}</li>`).join("")}</ul>`);
      else out.push(`<p>${inline(text)}</p>`);
    }
  });
  return out.join("\n");
}
