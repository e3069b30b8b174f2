"""Ids: Kestra's 22-character base-62 form, unique, and sorted by the time they were made."""

import re
import time

from tiercel.runtime.ids import new_id


def test_ids_have_kestras_form_and_are_unique() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert all(re.fullmatch(r"[0-9A-Za-z]{22}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_ids_made_later_sort_later() -> None:
    earlier = [new_id() for _ in range(100)]
    time.sleep(0.002)
    later = new_id()
    assert all(i < later for i in earlier)
