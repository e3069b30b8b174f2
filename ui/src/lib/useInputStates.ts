// The Execute form asks the server how its inputs stand as the user fills them in (Kestra's
// POST /executions/{namespace}/{id}/validate): which are enabled (`dependsOn` and its
// `condition`, rendered by the server) and the choices of a SELECT or MULTISELECT whose
// `expression` the server computes from the inputs before it.
import { shallowRef, watch, type Ref } from "vue";
import { api } from "@/lib/api";
import { type FieldValue, formData } from "@/lib/inputs";
import type { Flow, FlowInput } from "@/lib/kestra";

export interface InputState {
  input: FlowInput;
  value: unknown;
  enabled: boolean;
  isDefault: boolean;
  errors: { message: string }[];
}

export function useInputStates(flow: Ref<Flow>, values: Record<string, FieldValue>) {
  /** The server's answer by input id; empty until the first one arrives. */
  const states = shallowRef<Record<string, InputState>>({});
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function ask(): Promise<void> {
    const mine = ++asked;
    const inputs = flow.value.inputs ?? [];
    // A file is not uploaded to be checked: its name says it is given.
    const named: Record<string, FieldValue> = {};
    for (const input of inputs) {
      const value = values[input.id] ?? null;
      named[input.id] = value instanceof File ? value.name : value;
    }
    try {
      const answer = await api<{ inputs: InputState[] }>(
        `/executions/${encodeURIComponent(flow.value.namespace)}/${encodeURIComponent(flow.value.id)}/validate`,
        { method: "POST", body: formData(inputs, named, () => true) },
      );
      if (mine === asked) states.value = Object.fromEntries(answer.inputs.map((s) => [s.input.id, s]));
    } catch {
      // An older server, or a flow changed meanwhile: the form falls back to its own checks.
    }
  }

  const dynamic = (flow.value.inputs ?? []).some((i) => i.dependsOn || i.expression);
  if (dynamic) {
    watch(
      () => JSON.stringify(Object.entries(values).map(([k, v]) => [k, v instanceof File ? v.name : v])),
      () => {
        clearTimeout(timer);
        timer = setTimeout(ask, 200);
      },
      { immediate: true },
    );
  }

  /** The input as the form shows it: with the choices the server computed. */
  function shown(input: FlowInput): FlowInput {
    const values = states.value[input.id]?.input.values;
    return values ? { ...input, values } : input;
  }

  /** Whether the form shows it: its `dependsOn` inputs have values in the form (`local`), and
   * the server enables it (its condition, which only the server renders, holds; an input
   * with a condition stays hidden until the server has answered). */
  function enabled(input: FlowInput, local: boolean): boolean {
    const state = states.value[input.id];
    if (!local) return false;
    return state ? state.enabled : !input.dependsOn?.condition;
  }

  return { states, shown, enabled, dynamic };
}
