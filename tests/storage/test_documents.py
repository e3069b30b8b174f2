"""Many documents parsed at once leave the collector nothing young to scan again and again."""

import gc

from pydantic import BaseModel

from tiercel.storage.sql.documents import MANY, parse_all


class Row(BaseModel):
    id: int
    tags: list[str]


def test_many_parsed_models_go_to_the_oldest_generation() -> None:
    rows = parse_all(Row, (f'{{"id": {n}, "tags": ["a", "b"]}}' for n in range(MANY)))
    assert [row.id for row in rows] == list(range(MANY))
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing left frozen
    oldest = {id(obj) for obj in gc.get_objects(generation=2)}
    assert all(id(row) in oldest for row in rows)


def test_a_few_models_and_a_frozen_program_are_left_as_they_are() -> None:
    few = parse_all(Row, ['{"id": 1, "tags": []}'])
    assert few[0].id == 1
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        rows = parse_all(Row, (f'{{"id": {n}, "tags": []}}' for n in range(MANY)))
        assert len(rows) == MANY
        assert gc.get_freeze_count() == frozen  # a deliberate freeze is not undone
    finally:
        gc.unfreeze()
