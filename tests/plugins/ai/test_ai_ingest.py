"""Document loading and splitting of ``rag.IngestDocument``, against an OpenAI embeddings
stand-in that returns a fixed vector per text (the real model is used in test_ai_rag)."""

import json
from pathlib import Path
from typing import Any

import pytest
from tests.plugins.ai.model_servers import stand_in

from tiercel.plugins.ai.domain.splitter import DocumentSplitter
from tiercel.plugins.ai.rag.ingest_document import IngestDocument
from tiercel.sdk import State
from tiercel.sdk.testing import TestRunContext, make_task, run_task

TEXT = (
    "Kestra runs flows. Flows are YAML files.\n\nTasks run on workers. Workers pull jobs.\n"
    "Triggers start executions. Schedules are triggers too.\n\n" + "word " * 60
)


def embeddings_answer(path: str, headers: dict[str, str], body: dict[str, Any]) -> Any:
    data = [
        {"index": i, "embedding": [float(len(text)), 1.0]} for i, text in enumerate(body["input"])
    ]
    return 200, {"data": data, "usage": {"prompt_tokens": 3 * len(data)}}, {}


@pytest.mark.parametrize("kind", ["RECURSIVE", "PARAGRAPH", "LINE", "SENTENCE", "WORD"])
def test_segments_fit_and_keep_every_word(kind: str) -> None:
    splitter = DocumentSplitter.model_validate(
        {"splitter": kind, "maxSegmentSizeInChars": 80, "maxOverlapSizeInChars": 0}
    )
    segments = splitter.split(TEXT)
    assert all(0 < len(segment) <= 80 for segment in segments)
    assert " ".join(segments).split() == TEXT.split()


def test_overlap_repeats_whole_sentences() -> None:
    splitter = DocumentSplitter.model_validate(
        {"splitter": "SENTENCE", "maxSegmentSizeInChars": 40, "maxOverlapSizeInChars": 25}
    )
    first, second, *_ = splitter.split("One two three. Four five six. Seven eight nine. Ten.")
    assert first == "One two three. Four five six."
    assert second.startswith("Four five six.")


def test_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="maxOverlapSizeInChars"):
        DocumentSplitter.model_validate({"maxSegmentSizeInChars": 10, "maxOverlapSizeInChars": 10})


def test_ingest_from_path_and_internal_storage_with_a_splitter(tmp_path: Path) -> None:
    ctx = TestRunContext(work_dir=tmp_path, files={"kestra:///n/f/notes.md": b"Stored notes."})
    docs = tmp_path / "docs" / "deep"
    docs.mkdir(parents=True)
    (docs / "a.md").write_text(TEXT)
    with stand_in(embeddings_answer) as openai:
        task = make_task(
            IngestDocument,
            provider={
                "type": "io.kestra.plugin.ai.provider.OpenAI",
                "baseUrl": openai.url,
                "apiKey": "k-123456",
                "modelName": "embedder",
            },
            embeddings={"type": "io.kestra.plugin.ai.embeddings.KestraKVStore", "kvName": "s"},
            fromPath="docs",
            fromInternalURIs=["kestra:///n/f/notes.md"],
            documentSplitter={"maxSegmentSizeInChars": 80, "maxOverlapSizeInChars": 0},
        )
        result = run_task(task, ctx)
    assert result.state is State.SUCCESS, result.error
    assert result.values["ingestedDocuments"] == 2
    assert result.values["embeddingStoreOutputs"] == {"kvName": "s"}
    stored = json.loads(ctx.kv().get("s"))["entries"]
    metadata = [entry["embedded"]["metadata"]["metadata"] for entry in stored]
    assert metadata[0] == {"file_name": "a.md", "absolute_directory_path": str(docs), "index": "0"}
    assert metadata[-1] == {"index": "0"}
    assert stored[-1]["embedded"]["text"] == "Stored notes."
    assert result.values["inputTokenCount"] == 3 * len(stored)
    ctx.close()


def test_from_path_cannot_leave_the_working_directory(tmp_path: Path) -> None:
    task = make_task(
        IngestDocument,
        provider={
            "type": "io.kestra.plugin.ai.provider.OpenAI",
            "baseUrl": "http://127.0.0.1:9",
            "apiKey": "k",
            "modelName": "m",
        },
        embeddings={"type": "io.kestra.plugin.ai.embeddings.KestraKVStore"},
        fromPath="../..",
    )
    result = run_task(task, work_dir=tmp_path / "work")
    assert result.state is State.FAILED
    assert result.error == "fromPath '../..' is outside the task's working directory"
