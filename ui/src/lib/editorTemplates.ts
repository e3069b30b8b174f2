// Starter flows offered when creating a flow. `NAMESPACE` is replaced by the namespace chosen.
export interface FlowTemplate {
  key: string;
  title: string;
  description: string;
  source: string;
}

export const TEMPLATES: FlowTemplate[] = [
  {
    key: "blank",
    title: "Blank flow",
    description: "An id, a namespace and nothing else: write it with completion (Ctrl-Space).",
    source: "id: my_flow\nnamespace: NAMESPACE\n\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: Hello World! 🚀\n",
  },
  {
    key: "inputs",
    title: "Inputs and outputs",
    description: "Takes an input, returns a value and logs it from the next task.",
    source:
      "id: greet\nnamespace: NAMESPACE\n\ninputs:\n  - id: name\n    type: STRING\n    defaults: World\n\ntasks:\n  - id: compose\n    type: io.kestra.plugin.core.debug.Return\n    format: \"Hello, {{ inputs.name }}!\"\n\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: \"{{ outputs.compose.value }}\"\n",
  },
  {
    key: "python",
    title: "Python script",
    description: "Runs a Python script and passes its output on.",
    source:
      "id: python_script\nnamespace: NAMESPACE\n\ntasks:\n  - id: script\n    type: io.kestra.plugin.scripts.python.Script\n    script: |\n      print(\"Hello from Python\")\n\n  - id: done\n    type: io.kestra.plugin.core.log.Log\n    message: \"The script exited with {{ outputs.script.exitCode }}\"\n",
  },
  {
    key: "parallel",
    title: "Parallel tasks",
    description: "Two branches at once, then a task after both.",
    source:
      "id: parallel\nnamespace: NAMESPACE\n\ntasks:\n  - id: both\n    type: io.kestra.plugin.core.flow.Parallel\n    tasks:\n      - id: left\n        type: io.kestra.plugin.core.log.Log\n        message: left\n      - id: right\n        type: io.kestra.plugin.core.log.Log\n        message: right\n\n  - id: after\n    type: io.kestra.plugin.core.log.Log\n    message: both branches ended\n",
  },
  {
    key: "schedule",
    title: "Scheduled flow",
    description: "Runs every day at 9:00, with the scheduled date in its log.",
    source:
      "id: daily\nnamespace: NAMESPACE\n\ntasks:\n  - id: report\n    type: io.kestra.plugin.core.log.Log\n    message: \"Run for {{ trigger.date ?? execution.startDate }}\"\n\ntriggers:\n  - id: every_morning\n    type: io.kestra.plugin.core.trigger.Schedule\n    cron: \"0 9 * * *\"\n",
  },
];
