"""``guardrails`` of the chat tasks: Kestra's Pebble rules on the prompt (``message``) and on
the answer (``response``, ``finishReason``, token counts). The model is the scripted OpenAI
stand-in of test_ai_tools; the expressions are rendered by Tiercel's real engine."""

from tests.plugins.ai.model_servers import stand_in
from tests.plugins.ai.test_ai_tools import answer, provider, scripted
from tests.plugins.flow_support import RunFlow

GUARDRAILS = """
                guardrails:
                  input:
                    - expression: "{{ message.length < 40 }}"
                      message: "Message too long"
                  output:
                    - expression: "{{ not (response contains 'CONFIDENTIAL') }}"
                      message: "Response contains confidential information"
                    - expression: "{{ outputTokenCount < 100 and finishReason == 'STOP' }}"
                      message: "Too long an answer"
"""


def run_agent(run_flow: RunFlow, prompt: str, reply: str) -> tuple[dict[str, object], int]:
    with stand_in(scripted(answer(reply))) as model:
        finished = run_flow(f"""
            id: agent_guarded
            namespace: company.ai
            tasks:
              - id: agent
                type: io.kestra.plugin.ai.agent.AIAgent
                {provider(model.url)}
                prompt: "{prompt}"
                {GUARDRAILS}
            """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    return finished.outputs["agent"], len(model.requests)


def test_passing_guardrails_let_the_answer_through(run_flow: RunFlow) -> None:
    outputs, calls = run_agent(run_flow, "Say hello.", "Hello!")
    assert calls == 1
    assert outputs["textOutput"] == "Hello!"
    assert outputs["guardrailViolated"] is False


def test_input_guardrail_stops_before_the_model(run_flow: RunFlow) -> None:
    outputs, calls = run_agent(run_flow, "x" * 50, "never asked")
    assert calls == 0
    assert outputs["guardrailViolated"] is True
    assert outputs["guardrailViolationMessage"] == "Input guardrail: Message too long"
    assert outputs.get("textOutput") is None


def test_output_guardrail_withholds_the_answer(run_flow: RunFlow) -> None:
    outputs, calls = run_agent(run_flow, "Tell me.", "This is CONFIDENTIAL data")
    assert calls == 1
    assert outputs["guardrailViolated"] is True
    assert outputs["guardrailViolationMessage"] == (
        "Output guardrail: Response contains confidential information"
    )
    assert outputs.get("textOutput") is None


def test_json_extraction_guardrail(run_flow: RunFlow) -> None:
    with stand_in(scripted(answer('{"city": "CONFIDENTIAL"}'))) as model:
        finished = run_flow(f"""
            id: extract_guarded
            namespace: company.ai
            tasks:
              - id: extract
                type: io.kestra.plugin.ai.completion.JSONStructuredExtraction
                {provider(model.url)}
                schemaName: Order
                jsonFields: [city]
                prompt: Shipped to Berlin.
                {GUARDRAILS}
            """)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    outputs = finished.outputs["extract"]
    assert outputs["guardrailViolated"] is True
    assert outputs["guardrailViolationMessage"].startswith("Output guardrail: Response contains")
    warnings = [line.message for line in finished.logs if line.level.value == "WARN"]
    assert "Output guardrail violated: Response contains confidential information" in warnings
