"""The generated JSON Schema accepts Kestra's own valid flows."""

import pytest

from tests.compat.corpus import Entry, entries
from tests.registry.test_schema import errors_of
from tiercel.model.source import read_documents

ACCEPTED = [e for e in entries() if e.valid is True and not e.needs_test_plugins]


@pytest.mark.parametrize("entry", ACCEPTED, ids=lambda e: e.name)
def test_corpus_flows_satisfy_the_schema(entry: Entry) -> None:
    for document in read_documents(entry.path.read_text()):
        assert errors_of(document.data) == []
