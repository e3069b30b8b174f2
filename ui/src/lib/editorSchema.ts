// The flow's JSON Schema (GET /plugins/schemas/flow) read for the editor: which schema applies
// at a path of the YAML, the plugin types allowed there, their properties and enum values.
import { type JsonSchema, refName, typeText } from "@/lib/schema";
import { ITEM, type Segment } from "@/lib/editorYaml";

export interface FlowSchema extends JsonSchema {
  definitions: Record<string, JsonSchema>;
}

export interface TypeInfo {
  /** The canonical type name (the first of the definition's `type` enum). */
  name: string;
  /** Its definition. */
  schema: JsonSchema;
  deprecated: boolean;
  /** Aliases (legacy names) that load the same type. */
  aliases: string[];
}

export interface PropertyInfo {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export class SchemaIndex {
  /** Every type name and alias to its definition. */
  readonly types = new Map<string, TypeInfo>();

  constructor(readonly root: FlowSchema) {
    for (const schema of Object.values(root.definitions)) {
      const names = typeNames(schema);
      if (!names.length) continue;
      const info: TypeInfo = { name: names[0], schema, deprecated: Boolean(schema.deprecated), aliases: names.slice(1) };
      for (const name of names) if (!this.types.has(name)) this.types.set(name, info);
    }
  }

  /** A schema with `$ref`s followed and `allOf` of one part unwrapped. */
  deref(schema: JsonSchema | undefined): JsonSchema | undefined {
    let current = schema;
    for (let guard = 0; current && guard < 20; guard++) {
      if (current.$ref) current = this.root.definitions[refName(current.$ref)];
      else if (current.allOf?.length === 1) current = current.allOf[0];
      else break;
    }
    return current;
  }

  /** The alternatives a schema allows (its `anyOf`/`oneOf` flattened), null left out. */
  alternatives(schema: JsonSchema | undefined): JsonSchema[] {
    const resolved = this.deref(schema);
    if (!resolved) return [];
    // AnyTask and AnyTrigger: one `if type is X then <X's definition>` per plugin type.
    if (resolved.allOf?.some((part) => part.then)) return resolved.allOf.flatMap((part) => (part.then ? this.alternatives(part.then) : []));
    const union = resolved.anyOf ?? resolved.oneOf;
    if (!union) return resolved.type === "null" ? [] : [resolved];
    return union.flatMap((part) => this.alternatives(part));
  }

  /** The object schemas a value at `path` may be; `types[k]` picks a plugin type by name. */
  objectsAt(path: Segment[], types: (string | null)[]): JsonSchema[] {
    let current: JsonSchema[] = [this.root];
    path.forEach((segment, k) => {
      const next: JsonSchema[] = [];
      for (const schema of current) {
        for (const option of this.alternatives(schema)) {
          if (segment === ITEM) {
            if (option.items) next.push(option.items);
          } else if (option.properties?.[segment]) {
            next.push(option.properties[segment]);
          } else if (option.additionalProperties && typeof option.additionalProperties === "object") {
            next.push(option.additionalProperties);
          }
        }
      }
      const chosen = k === path.length - 1 ? types[path.length] : types[k];
      current = this.pick(next, chosen ?? null);
    });
    return current.flatMap((s) => this.alternatives(s)).filter((s) => s.properties);
  }

  /** Of the alternatives, the plugin type named `type` when there is one. */
  private pick(schemas: JsonSchema[], type: string | null): JsonSchema[] {
    if (!type) return schemas;
    const flat = schemas.flatMap((s) => this.alternatives(s));
    const match = flat.filter((s) => typeNames(s).includes(type));
    return match.length ? match : schemas;
  }

  /** The plugin types a mapping at `path` may take (its `type` values), canonical names. */
  typesAt(path: Segment[], types: (string | null)[]): TypeInfo[] {
    const options = this.objectsAt(path, types.map((t, i) => (i === path.length ? null : t)));
    const seen = new Map<string, TypeInfo>();
    for (const option of options) {
      const names = typeNames(option);
      if (!names.length) continue;
      const info = this.types.get(names[0]);
      if (info && !seen.has(info.name)) seen.set(info.name, info);
    }
    return [...seen.values()];
  }

  /** The properties of the mapping at `path` (of its type when written). */
  propertiesAt(path: Segment[], types: (string | null)[]): PropertyInfo[] {
    const options = this.objectsAt(path, types);
    const typed = types[path.length];
    const chosen = typed ? options.filter((o) => typeNames(o).includes(typed)) : [];
    // No type yet among several plugin types: offer `type` and what they all share.
    const pool = chosen.length ? chosen : options;
    const found = new Map<string, PropertyInfo>();
    for (const option of pool) {
      for (const [name, schema] of Object.entries(option.properties ?? {})) {
        if (found.has(name)) continue;
        if (!chosen.length && pool.length > 1 && !pool.every((o) => o.properties?.[name])) continue;
        found.set(name, { name, schema, required: Boolean(option.required?.includes(name)) });
      }
    }
    return [...found.values()];
  }

  /** The values a property may take: enum members, consts, booleans. */
  valuesOf(schema: JsonSchema | undefined): string[] {
    const out = new Set<string>();
    for (const option of this.alternatives(schema)) {
      for (const value of option.enum ?? []) out.add(String(value));
      if (option.const !== undefined) out.add(String(option.const));
      const type = Array.isArray(option.type) ? option.type : [option.type];
      if (type.includes("boolean")) ["true", "false"].forEach((v) => out.add(v));
    }
    return [...out];
  }

  /** How a property's type reads (`string`, `array of AnyTask`...). */
  describe(schema: JsonSchema | undefined): string {
    return typeText(schema);
  }

  /** Whether a property holds a list of objects, an object, or a scalar. */
  shapeOf(schema: JsonSchema): "list" | "object" | "scalar" {
    const options = this.alternatives(schema);
    if (options.some((o) => o.items && this.alternatives(o.items).some((i) => i.properties))) return "list";
    // An object (or a map) first, whatever else it may also be written as.
    if (options.length && (options[0].properties || options[0].type === "object")) return "object";
    return "scalar";
  }
}

/** The type names a definition answers to (`properties.type.enum`, or a const for inputs). */
export function typeNames(schema: JsonSchema): string[] {
  const type = schema.properties?.type;
  if (!type) return [];
  if (type.enum) return type.enum.map(String);
  if (type.const !== undefined) return [String(type.const)];
  return [];
}
