"""One contract test suite per storage port; every backend's tests subclass these classes.

A subclass supplies one fixture giving a fresh backend (``storage``, ``kv``, ``files``, ``logs``
or ``metrics``) and inherits every test. The classes are not named ``Test*`` so pytest collects
them only through their subclasses.
"""

import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from tiercel.model.task import LogLevel
from tiercel.storage import (
    InternalStorage,
    InvalidKeyError,
    InvalidPathError,
    InvalidValueError,
    KeyExistsError,
    KVStore,
    KVType,
    LogEntry,
    LogQuery,
    LogStore,
    MetricEntry,
    MetricStore,
    MetricType,
    NamespaceFiles,
    StorageFileExistsError,
    StorageFileNotFoundError,
    namespace_file_uri,
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
"""The fixed start of every test's clock."""


class ManualClock:
    """A clock that moves only when told to: the ``now`` the stores are given."""

    def __init__(self, start: datetime = T0) -> None:
        self._now = start

    def __call__(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0..count-1)`` on ``count`` threads started together; re-raise any failure."""
    barrier = threading.Barrier(count)

    def start(i: int) -> Any:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return [f.result() for f in [pool.submit(start, i) for i in range(count)]]


TRAVERSALS = [
    "kestra:///../outside.txt",
    "kestra:///a/../../outside.txt",
    "kestra:///a/%2e%2e/%2E%2E/outside.txt",
    "kestra:///a/..%2F..%2Foutside.txt",
    "kestra:///a/b\x00c.txt",
    "kestra:///a/b%00c.txt",
    "kestra:///a\\..\\..\\outside.txt",
    "/etc/passwd",
    "etc/passwd",
    "file:///etc/passwd",
    "kestra://host/a.txt",
    "kestra:///a/b?.txt",
]


class InternalStorageContract:
    """What every ``InternalStorage`` backend guarantees."""

    ROOT = "kestra:///company/team/flow/executions/e1"

    @pytest.fixture
    def storage(self) -> InternalStorage:
        raise NotImplementedError("a backend's test class provides a fresh storage")

    def test_put_then_read_back(self, storage: InternalStorage) -> None:
        uri = storage.put(f"{self.ROOT}/tasks/t/r1/out.txt", b"hello")
        assert uri == f"{self.ROOT}/tasks/t/r1/out.txt"
        assert storage.read_bytes(uri) == b"hello"
        assert storage.exists(uri)
        assert storage.size(uri) == 5

    def test_put_returns_the_canonical_uri(self, storage: InternalStorage) -> None:
        uri = storage.put("kestra:////company//team/./f.txt", b"x")
        assert uri == "kestra:///company/team/f.txt"
        assert storage.read_bytes("KESTRA:///company/team/f.txt") == b"x"

    def test_put_streams_a_binary_file(self, storage: InternalStorage) -> None:
        payload = bytes(range(256)) * 12_289  # a little over 3 MiB
        uri = storage.put(f"{self.ROOT}/big.bin", io.BytesIO(payload))
        assert storage.size(uri) == len(payload)
        with storage.open(uri) as stream:
            assert stream.read(10) == payload[:10]
            assert stream.read() == payload[10:]

    def test_put_replaces_a_file(self, storage: InternalStorage) -> None:
        uri = storage.put(f"{self.ROOT}/f.txt", b"old content")
        storage.put(uri, b"new")
        assert storage.read_bytes(uri) == b"new"
        assert storage.size(uri) == 3

    def test_an_empty_file_is_a_file(self, storage: InternalStorage) -> None:
        uri = storage.put(f"{self.ROOT}/empty", b"")
        assert storage.exists(uri)
        assert storage.read_bytes(uri) == b""

    def test_names_needing_escapes_round_trip(self, storage: InternalStorage) -> None:
        uri = storage.put(f"{self.ROOT}/my%20report%23final.csv", b"1")
        assert storage.list(self.ROOT) == [uri]
        assert storage.read_bytes(f"{self.ROOT}/my%20report%23final.csv") == b"1"

    def test_missing_files(self, storage: InternalStorage) -> None:
        uri = f"{self.ROOT}/missing.txt"
        assert not storage.exists(uri)
        assert storage.delete(uri) is False
        with pytest.raises(StorageFileNotFoundError):
            storage.read_bytes(uri)
        with pytest.raises(FileNotFoundError):  # the builtin catches it too
            storage.open(uri)
        with pytest.raises(StorageFileNotFoundError):
            storage.size(uri)

    def test_a_directory_is_not_a_file(self, storage: InternalStorage) -> None:
        storage.put(f"{self.ROOT}/dir/f.txt", b"x")
        assert not storage.exists(f"{self.ROOT}/dir")
        with pytest.raises(StorageFileNotFoundError):
            storage.read_bytes(f"{self.ROOT}/dir")

    def test_delete(self, storage: InternalStorage) -> None:
        uri = storage.put(f"{self.ROOT}/f.txt", b"x")
        assert storage.delete(uri) is True
        assert not storage.exists(uri)
        assert storage.delete(uri) is False
        assert storage.list(self.ROOT) == []

    def test_list_is_recursive_sorted_and_scoped(self, storage: InternalStorage) -> None:
        names = ["b.txt", "a.txt", "tasks/t/r1/out.csv", "inputs/file/in.txt"]
        for name in names:
            storage.put(f"{self.ROOT}/{name}", b"x")
        storage.put("kestra:///company/team/flow/executions/e10/other.txt", b"x")
        expected = sorted(f"{self.ROOT}/{name}" for name in names)
        assert storage.list(self.ROOT) == expected
        assert storage.list(self.ROOT + "/") == expected
        assert storage.list(f"{self.ROOT}/tasks") == [f"{self.ROOT}/tasks/t/r1/out.csv"]
        assert storage.list("kestra:///nothing/here") == []
        assert len(storage.list("kestra:///")) == len(names) + 1

    def test_delete_prefix(self, storage: InternalStorage) -> None:
        kept = storage.put("kestra:///company/team/flow/executions/e10/keep.txt", b"x")
        doomed = [storage.put(f"{self.ROOT}/{n}", b"x") for n in ("a", "t/b", "t/u/c")]
        assert storage.delete_prefix(self.ROOT) == sorted(doomed)
        assert storage.list(self.ROOT) == []
        assert storage.list("kestra:///") == [kept]
        assert storage.delete_prefix(self.ROOT) == []
        # The prefix can be written again after it was emptied.
        storage.put(f"{self.ROOT}/again.txt", b"y")
        assert storage.read_bytes(f"{self.ROOT}/again.txt") == b"y"

    @pytest.mark.parametrize("uri", TRAVERSALS)
    def test_refuses_uris_leaving_the_storage(self, storage: InternalStorage, uri: str) -> None:
        with pytest.raises(InvalidPathError):
            storage.put(uri, b"x")
        with pytest.raises(InvalidPathError):
            storage.open(uri)
        with pytest.raises(InvalidPathError):
            storage.exists(uri)
        with pytest.raises(InvalidPathError):
            storage.delete(uri)
        with pytest.raises(InvalidPathError):
            storage.list(uri)
        with pytest.raises(InvalidPathError):
            storage.delete_prefix(uri)

    def test_refuses_to_put_at_the_root(self, storage: InternalStorage) -> None:
        with pytest.raises(InvalidPathError):
            storage.put("kestra:///", b"x")

    def test_a_failed_put_keeps_the_old_content(self, storage: InternalStorage) -> None:
        uri = storage.put(f"{self.ROOT}/f.txt", b"old")

        class Broken(io.RawIOBase):
            """A stream that fails after its first megabyte, as a dropped upload would."""

            sent = 0

            def readable(self) -> bool:
                return True

            def readinto(self, buffer: Any) -> int:
                if self.sent >= 1 << 20:
                    raise OSError("connection reset")
                view = memoryview(buffer)
                view[:] = b"n" * len(view)
                self.sent += len(view)
                return len(view)

        with pytest.raises(OSError, match="connection reset"):
            storage.put(uri, io.BufferedReader(Broken()))
        assert storage.read_bytes(uri) == b"old"
        assert storage.list(self.ROOT) == [uri]
        with pytest.raises(OSError, match="connection reset"):
            storage.put(f"{self.ROOT}/new.txt", io.BufferedReader(Broken()))
        assert not storage.exists(f"{self.ROOT}/new.txt")

    def test_readers_never_see_half_a_write(self, storage: InternalStorage) -> None:
        size = 1 << 20
        contents = [b"a" * size, b"b" * size]
        uri = storage.put(f"{self.ROOT}/f.bin", contents[0])
        stop = threading.Event()

        def write(_: int) -> None:
            for i in range(40):
                storage.put(uri, contents[i % 2])
            stop.set()

        def read(_: int) -> set[bytes]:
            seen = set()
            while not stop.is_set():
                data = storage.read_bytes(uri)
                assert data in contents, f"torn read of {len(data)} bytes"
                seen.add(data[:1])
            return seen

        def work(i: int) -> Any:
            return write(i) if i == 0 else read(i)

        run_threads(3, work)

    def test_concurrent_writers(self, storage: InternalStorage) -> None:
        def work(i: int) -> None:
            for j in range(25):
                storage.put(f"{self.ROOT}/w{i}/f{j}.txt", f"{i}-{j}".encode())
                storage.put(f"{self.ROOT}/shared.txt", f"{i}-{j}".encode())

        run_threads(8, work)
        assert len(storage.list(self.ROOT)) == 8 * 25 + 1
        assert storage.read_bytes(f"{self.ROOT}/w3/f7.txt") == b"3-7"


TYPED_VALUES = [
    pytest.param("hello wörld", KVType.STRING, id="string"),
    pytest.param("", KVType.STRING, id="empty-string"),
    pytest.param("12", KVType.STRING, id="digits-string"),
    pytest.param(42, KVType.NUMBER, id="int"),
    pytest.param(2**70, KVType.NUMBER, id="big-int"),
    pytest.param(1.5, KVType.NUMBER, id="float"),
    pytest.param(3.0, KVType.NUMBER, id="whole-float"),
    pytest.param(True, KVType.BOOLEAN, id="true"),
    pytest.param(False, KVType.BOOLEAN, id="false"),
    pytest.param(datetime(2024, 3, 1, 8, 30, 15, 123456, tzinfo=UTC), KVType.DATETIME, id="dt"),
    pytest.param(
        datetime(2024, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=2))),
        KVType.DATETIME,
        id="datetime-offset",
    ),
    pytest.param(date(2024, 2, 29), KVType.DATE, id="date"),
    pytest.param(timedelta(hours=1, minutes=30, microseconds=5), KVType.DURATION, id="duration"),
    pytest.param(timedelta(days=3), KVType.DURATION, id="days"),
    pytest.param({"a": [1, 2.5, None, True], "b": {"c": "d"}}, KVType.JSON, id="json-object"),
    pytest.param([1, "two"], KVType.JSON, id="json-list"),
    pytest.param(None, KVType.JSON, id="json-null"),
]


class KVStoreContract:
    """What every ``KVStore`` backend guarantees."""

    @pytest.fixture
    def kv(self) -> KVStore:
        raise NotImplementedError("a backend's test class provides a fresh KV store")

    @pytest.fixture
    def clock(self) -> ManualClock:
        return ManualClock()

    @pytest.mark.parametrize(("value", "kv_type"), TYPED_VALUES)
    def test_values_round_trip_with_their_type(
        self, kv: KVStore, clock: ManualClock, value: Any, kv_type: KVType
    ) -> None:
        kv.set("company.team", "inferred", value, now=clock())
        kv.set("company.team", "explicit", value, kv_type=kv_type, now=clock())
        for key in ("inferred", "explicit"):
            entry = kv.get("company.team", key, now=clock())
            assert entry is not None
            assert entry.kv_type is kv_type
            assert entry.value == value
            assert type(entry.value) is type(value)

    def test_kv_type_may_be_given_by_name(self, kv: KVStore, clock: ManualClock) -> None:
        entry = kv.set("ns", "k", 7, kv_type="NUMBER", now=clock())
        assert entry.kv_type is KVType.NUMBER

    @pytest.mark.parametrize(
        ("value", "kv_type"),
        [
            ("12", KVType.NUMBER),
            (True, KVType.NUMBER),
            (1, KVType.BOOLEAN),
            (12, KVType.STRING),
            (datetime(2024, 1, 1), KVType.DATETIME),  # naive
            (datetime(2024, 1, 1, tzinfo=UTC), KVType.DATE),
            ("PT1H", KVType.DURATION),
            (float("nan"), KVType.NUMBER),
            ({1, 2}, KVType.JSON),
            ("x", "TEXT"),
        ],
    )
    def test_refuses_a_value_that_does_not_fit_its_type(
        self, kv: KVStore, clock: ManualClock, value: Any, kv_type: Any
    ) -> None:
        with pytest.raises(InvalidValueError):
            kv.set("ns", "k", value, kv_type=kv_type, now=clock())
        assert kv.get("ns", "k", now=clock()) is None

    @pytest.mark.parametrize("key", ["a", "A", "0", "my_key", "a.b-c_D9", "x" * 200])
    def test_accepts_kestra_keys(self, kv: KVStore, clock: ManualClock, key: str) -> None:
        kv.set("ns", key, 1, now=clock())
        assert kv.keys("ns", now=clock()) == [key]

    @pytest.mark.parametrize(
        "key", ["", ".a", "-a", "_a", "a b", "a/b", "a:b", "é", "a\n", "../a", "a*"]
    )
    def test_refuses_other_keys(self, kv: KVStore, clock: ManualClock, key: str) -> None:
        with pytest.raises(InvalidKeyError):
            kv.set("ns", key, 1, now=clock())
        with pytest.raises(InvalidKeyError):
            kv.get("ns", key, now=clock())
        with pytest.raises(InvalidKeyError):
            kv.delete("ns", key)

    def test_refuses_an_invalid_namespace(self, kv: KVStore, clock: ManualClock) -> None:
        with pytest.raises(InvalidPathError):
            kv.set("Bad Namespace", "k", 1, now=clock())

    def test_missing_key(self, kv: KVStore, clock: ManualClock) -> None:
        assert kv.get("ns", "nope", now=clock()) is None
        assert kv.delete("ns", "nope") is False
        assert kv.keys("ns", now=clock()) == []

    def test_ttl_expiry_follows_the_clock(self, kv: KVStore, clock: ManualClock) -> None:
        entry = kv.set("ns", "k", "v", ttl=timedelta(hours=1), now=clock())
        assert entry.expires_at == T0 + timedelta(hours=1)
        kv.set("ns", "forever", "v", now=clock())
        clock.advance(minutes=59, seconds=59)
        assert kv.get("ns", "k", now=clock()) is not None
        assert kv.keys("ns", now=clock()) == ["forever", "k"]
        clock.advance(seconds=1)
        assert kv.get("ns", "k", now=clock()) is None
        assert kv.keys("ns", now=clock()) == ["forever"]
        assert [e.key for e in kv.entries("ns", now=clock())] == ["forever"]
        # The clock is the caller's: an earlier ``now`` still sees the key.
        assert kv.get("ns", "k", now=T0) is not None

    def test_refuses_a_ttl_that_is_not_positive(self, kv: KVStore, clock: ManualClock) -> None:
        with pytest.raises(InvalidValueError):
            kv.set("ns", "k", "v", ttl=timedelta(0), now=clock())

    def test_refuses_a_naive_now(self, kv: KVStore) -> None:
        with pytest.raises(ValueError, match="time zone"):
            kv.set("ns", "k", "v", now=datetime(2024, 1, 1))
        with pytest.raises(ValueError, match="time zone"):
            kv.get("ns", "k", now=datetime(2024, 1, 1))

    def test_overwrite(self, kv: KVStore, clock: ManualClock) -> None:
        kv.set("ns", "k", "first", ttl=timedelta(minutes=5), now=clock())
        clock.advance(minutes=1)
        entry = kv.set("ns", "k", 2, now=clock())
        assert entry.value == 2
        assert entry.kv_type is KVType.NUMBER
        assert entry.created_at == T0
        assert entry.updated_at == clock()
        assert entry.expires_at is None
        assert kv.get("ns", "k", now=clock()) == entry

    def test_overwrite_false_refuses_a_live_key(self, kv: KVStore, clock: ManualClock) -> None:
        kv.set("ns", "k", "first", ttl=timedelta(minutes=5), now=clock())
        with pytest.raises(KeyExistsError, match="overwrite"):
            kv.set("ns", "k", "second", overwrite=False, now=clock())
        entry = kv.get("ns", "k", now=clock())
        assert entry is not None
        assert entry.value == "first"

    def test_overwrite_false_accepts_an_expired_key(self, kv: KVStore, clock: ManualClock) -> None:
        kv.set("ns", "k", "first", ttl=timedelta(minutes=5), now=clock())
        clock.advance(minutes=10)
        entry = kv.set("ns", "k", "second", overwrite=False, now=clock())
        assert entry.value == "second"
        assert entry.created_at == clock()  # a new key, not an update of the expired one

    def test_description_is_kept(self, kv: KVStore, clock: ManualClock) -> None:
        kv.set("ns", "k", "v", description="the API token's owner", now=clock())
        entry = kv.get("ns", "k", now=clock())
        assert entry is not None
        assert entry.description == "the API token's owner"

    def test_namespaces_are_separate(self, kv: KVStore, clock: ManualClock) -> None:
        kv.set("company", "k", "parent", now=clock())
        kv.set("company.team", "k", "child", now=clock())
        parent = kv.get("company", "k", now=clock())
        assert parent is not None
        assert parent.value == "parent"
        assert kv.delete("company.team", "k") is True
        assert kv.get("company.team", "k", now=clock()) is None
        assert kv.get("company", "k", now=clock()) is not None

    def test_keys_are_sorted_and_filtered_by_literal_prefix(
        self, kv: KVStore, clock: ManualClock
    ) -> None:
        for key in ["b", "a_1", "a_2", "ax", "aa", "A"]:
            kv.set("ns", key, 1, now=clock())
        assert kv.keys("ns", now=clock()) == ["A", "a_1", "a_2", "aa", "ax", "b"]
        # A prefix matches case-sensitively, and SQL's LIKE wildcard '_' matches only itself.
        assert kv.keys("ns", "a_", now=clock()) == ["a_1", "a_2"]
        assert kv.keys("ns", "", now=clock()) == kv.keys("ns", now=clock())
        assert [e.key for e in kv.entries("ns", "a", now=clock())] == ["a_1", "a_2", "aa", "ax"]

    def test_delete(self, kv: KVStore, clock: ManualClock) -> None:
        kv.set("ns", "k", 1, now=clock())
        assert kv.delete("ns", "k") is True
        assert kv.get("ns", "k", now=clock()) is None
        assert kv.delete("ns", "k") is False

    def _fill(self, kv: KVStore, clock: ManualClock) -> None:
        ttl = timedelta(minutes=1)
        for namespace in ["company", "company.team", "company.team.sub", "companyx", "other"]:
            kv.set(namespace, "AI_key", 1, ttl=ttl, now=clock())
            kv.set(namespace, "other_key", 1, ttl=ttl, now=clock())
            kv.set(namespace, "forever", 1, now=clock())
        clock.advance(minutes=2)

    def _all(self, kv: KVStore, clock: ManualClock) -> set[tuple[str, str]]:
        """Every stored key, seen from before anything expired."""
        names = ["company", "company.team", "company.team.sub", "companyx", "other"]
        return {(ns, k) for ns in names for k in kv.keys(ns, now=T0)}

    def test_purge_expired_keys_everywhere(self, kv: KVStore, clock: ManualClock) -> None:
        self._fill(kv, clock)
        assert kv.purge(now=clock()) == 10
        assert {k for _, k in self._all(kv, clock)} == {"forever"}

    def test_purge_a_namespace_and_its_children(self, kv: KVStore, clock: ManualClock) -> None:
        self._fill(kv, clock)
        assert kv.purge(now=clock(), namespaces=["company.team"]) == 4
        left = self._all(kv, clock)
        assert ("company.team", "AI_key") not in left
        assert ("company.team.sub", "AI_key") not in left
        assert ("company", "AI_key") in left
        assert ("companyx", "AI_key") in left

    def test_purge_without_children(self, kv: KVStore, clock: ManualClock) -> None:
        self._fill(kv, clock)
        purged = kv.purge(now=clock(), namespaces=["company"], include_child_namespaces=False)
        assert purged == 2
        assert ("company.team", "AI_key") in self._all(kv, clock)

    def test_purge_by_key_pattern_including_live_keys(
        self, kv: KVStore, clock: ManualClock
    ) -> None:
        self._fill(kv, clock)
        kv.set("company", "AI_live", 1, now=clock())
        purged = kv.purge(
            now=clock(), namespaces=["company"], key_pattern="AI_*", expired_only=False
        )
        assert purged == 4  # AI_key and AI_live in company, AI_key in team and team.sub
        assert kv.keys("company", now=T0) == ["forever", "other_key"]

    def test_purge_treats_namespace_wildcards_literally(
        self, kv: KVStore, clock: ManualClock
    ) -> None:
        kv.set("my_ns.a", "k", 1, now=clock())
        kv.set("myxns.a", "k", 1, now=clock())
        assert kv.purge(now=clock(), namespaces=["my_ns"], expired_only=False) == 1
        assert kv.keys("myxns.a", now=clock()) == ["k"]

    def test_purge_of_no_namespaces_purges_nothing(self, kv: KVStore, clock: ManualClock) -> None:
        self._fill(kv, clock)
        assert kv.purge(now=clock(), namespaces=[], expired_only=False) == 0

    def test_concurrent_writers(self, kv: KVStore, clock: ManualClock) -> None:
        def work(i: int) -> None:
            for j in range(30):
                kv.set("ns", f"own-{i}-{j}", j, now=clock())
                kv.set("ns", "shared", i, now=clock())
                kv.set("ns", f"race-{j}", i, overwrite=True, now=clock())
                assert kv.get("ns", f"own-{i}-{j}", now=clock()) is not None

        run_threads(8, work)
        keys = kv.keys("ns", now=clock())
        assert len(keys) == 8 * 30 + 1 + 30
        shared = kv.get("ns", "shared", now=clock())
        assert shared is not None
        assert shared.value in range(8)

    def test_concurrent_set_if_absent_has_one_winner(self, kv: KVStore, clock: ManualClock) -> None:
        def work(i: int) -> bool:
            try:
                kv.set("ns", "lock", i, overwrite=False, now=clock())
            except KeyExistsError:
                return False
            return True

        assert sum(run_threads(8, work)) == 1


class NamespaceFilesContract:
    """What every ``NamespaceFiles`` backend guarantees."""

    NS = "company.team"

    @pytest.fixture
    def files(self) -> NamespaceFiles:
        raise NotImplementedError("a backend's test class provides fresh namespace files")

    def test_write_then_read(self, files: NamespaceFiles) -> None:
        file = files.write(self.NS, "scripts/etl.py", b"print(1)")
        assert file.path == "scripts/etl.py"
        assert file.namespace == self.NS
        assert file.uri == "kestra:///company/team/_files/scripts/etl.py"
        assert files.read(self.NS, "scripts/etl.py") == b"print(1)"
        with files.open(self.NS, "scripts/etl.py") as stream:
            assert stream.read(5) == b"print"

    def test_leading_slash_is_optional(self, files: NamespaceFiles) -> None:
        files.write(self.NS, "/a/b.txt", b"x")
        assert files.exists(self.NS, "a/b.txt")
        assert files.read(self.NS, "/a/b.txt") == b"x"
        assert files.write(self.NS, "a/b.txt", b"y").uri == namespace_file_uri(self.NS, "/a/b.txt")

    def test_streams_are_accepted(self, files: NamespaceFiles) -> None:
        files.write(self.NS, "data.bin", io.BytesIO(b"\x00\x01" * 1000))
        assert files.read(self.NS, "data.bin") == b"\x00\x01" * 1000

    @pytest.mark.parametrize(
        "path", ["../x", "a/../../x", "a/..", "..", "a\\b", "a\x00b", "", "/", "./"]
    )
    def test_refuses_paths_leaving_the_namespace(self, files: NamespaceFiles, path: str) -> None:
        with pytest.raises(InvalidPathError):
            files.write(self.NS, path, b"x")
        with pytest.raises(InvalidPathError):
            files.read(self.NS, path)

    def test_refuses_an_invalid_namespace(self, files: NamespaceFiles) -> None:
        with pytest.raises(InvalidPathError):
            files.write("../etc", "x", b"x")

    def test_missing_file(self, files: NamespaceFiles) -> None:
        assert not files.exists(self.NS, "nope.txt")
        with pytest.raises(StorageFileNotFoundError, match=r"nope\.txt"):
            files.read(self.NS, "nope.txt")
        assert files.delete(self.NS, "nope.txt") == []

    def test_overwrite_false(self, files: NamespaceFiles) -> None:
        files.write(self.NS, "a.txt", b"old")
        with pytest.raises(StorageFileExistsError):
            files.write(self.NS, "a.txt", b"new", overwrite=False)
        assert files.read(self.NS, "a.txt") == b"old"
        files.write(self.NS, "a.txt", b"new")
        assert files.read(self.NS, "a.txt") == b"new"

    def _tree(self, files: NamespaceFiles) -> None:
        for path in ["main.py", "scripts/etl.py", "scripts/lib/util.py", "sql/q.sql", "README"]:
            files.write(self.NS, path, path.encode())
        files.write(f"{self.NS}.child", "other.py", b"x")
        files.write("company", "parent.py", b"x")

    def _paths(self, files: NamespaceFiles, prefix: str = "", **globs: list[str]) -> list[str]:
        return [f.path for f in files.list(self.NS, prefix, **globs)]

    def test_list_is_sorted_recursive_and_stays_in_its_namespace(
        self, files: NamespaceFiles
    ) -> None:
        self._tree(files)
        assert self._paths(files) == [
            "README",
            "main.py",
            "scripts/etl.py",
            "scripts/lib/util.py",
            "sql/q.sql",
        ]
        assert self._paths(files, "scripts") == ["scripts/etl.py", "scripts/lib/util.py"]
        assert self._paths(files, "/scripts/lib/") == ["scripts/lib/util.py"]
        assert self._paths(files, "nothing") == []

    def test_list_with_kestra_globs(self, files: NamespaceFiles) -> None:
        self._tree(files)
        assert self._paths(files, include=["**.py"]) == [
            "main.py",
            "scripts/etl.py",
            "scripts/lib/util.py",
        ]
        # Kestra matches a pattern starting with a name at any depth.
        assert self._paths(files, include=["scripts/*.py"]) == ["scripts/etl.py"]
        assert self._paths(files, include=["lib/*"]) == ["scripts/lib/util.py"]
        assert self._paths(files, include=["/*.py"]) == ["main.py"]
        assert self._paths(files, include=["**/*.{sql,py}"], exclude=["**/lib/**"]) == [
            "main.py",
            "scripts/etl.py",
            "sql/q.sql",
        ]
        assert self._paths(files, exclude=["**.py"]) == ["README", "sql/q.sql"]

    def test_delete_a_file(self, files: NamespaceFiles) -> None:
        self._tree(files)
        deleted = files.delete(self.NS, "/main.py")
        assert [f.path for f in deleted] == ["main.py"]
        assert not files.exists(self.NS, "main.py")

    def test_delete_a_directory(self, files: NamespaceFiles) -> None:
        self._tree(files)
        deleted = files.delete(self.NS, "scripts")
        assert [f.path for f in deleted] == ["scripts/etl.py", "scripts/lib/util.py"]
        assert self._paths(files) == ["README", "main.py", "sql/q.sql"]
        assert files.list(f"{self.NS}.child") != []

    def test_move_a_file(self, files: NamespaceFiles) -> None:
        self._tree(files)
        moved = files.move(self.NS, "main.py", "/app/main.py")
        assert [f.path for f in moved] == ["app/main.py"]
        assert files.read(self.NS, "app/main.py") == b"main.py"
        assert not files.exists(self.NS, "main.py")

    def test_move_a_directory(self, files: NamespaceFiles) -> None:
        self._tree(files)
        moved = files.move(self.NS, "scripts", "src/jobs")
        assert [f.path for f in moved] == ["src/jobs/etl.py", "src/jobs/lib/util.py"]
        assert files.read(self.NS, "src/jobs/lib/util.py") == b"scripts/lib/util.py"
        assert self._paths(files, "scripts") == []

    def test_move_refusals(self, files: NamespaceFiles) -> None:
        self._tree(files)
        with pytest.raises(StorageFileExistsError):
            files.move(self.NS, "main.py", "README")
        with pytest.raises(StorageFileExistsError):
            files.move(self.NS, "main.py", "scripts")
        with pytest.raises(StorageFileNotFoundError):
            files.move(self.NS, "nope.py", "new.py")
        with pytest.raises(InvalidPathError):
            files.move(self.NS, "scripts", "scripts/inner")
        with pytest.raises(InvalidPathError):
            files.move(self.NS, "main.py", "../main.py")
        assert files.read(self.NS, "main.py") == b"main.py"


def log(message: str, **fields: Any) -> LogEntry:
    """A log line with defaults for what a test does not care about."""
    values: dict[str, Any] = {
        "namespace": "company.team",
        "flow_id": "flow",
        "timestamp": T0,
        "level": LogLevel.INFO,
        "execution_id": "e1",
        "task_id": "t1",
        "task_run_id": "r1",
    }
    return LogEntry(message=message, **(values | fields))


class LogStoreContract:
    """What every ``LogStore`` backend guarantees."""

    @pytest.fixture
    def logs(self) -> LogStore:
        raise NotImplementedError("a backend's test class provides a fresh log store")

    def test_every_field_round_trips(self, logs: LogStore) -> None:
        entry = LogEntry(
            namespace="company.team",
            flow_id="flow",
            timestamp=datetime(2024, 5, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2))),
            level=LogLevel.WARN,
            message="ünïcode ✓\nsecond line",
            task_id="t1",
            execution_id="e1",
            task_run_id="r1",
            attempt_number=3,
            trigger_id="schedule",
            thread="worker-7",
        )
        bare = LogEntry("company.team", "flow", T0, LogLevel.DEBUG, "trigger evaluated")
        logs.append([entry, bare])
        assert logs.find(LogQuery(execution_id="e1")) == [entry]
        assert logs.find(LogQuery()) == [entry, bare]

    def test_levels_may_be_given_by_name(self, logs: LogStore) -> None:
        logs.append([log("m", level="ERROR")])
        assert logs.find(LogQuery())[0].level is LogLevel.ERROR
        with pytest.raises(ValueError):
            log("m", level="VERBOSE")

    def test_naive_timestamps_are_refused(self) -> None:
        with pytest.raises(ValueError, match="time zone"):
            log("m", timestamp=datetime(2024, 1, 1))

    def test_reads_in_append_order_not_timestamp_order(self, logs: LogStore) -> None:
        first = [log(f"a{i}", timestamp=T0 - timedelta(seconds=i)) for i in range(5)]
        second = [log(f"b{i}", timestamp=T0 - timedelta(hours=1)) for i in range(5)]
        logs.append(first)
        logs.append(second)
        assert [e.message for e in logs.find(LogQuery(execution_id="e1"))] == [
            *(f"a{i}" for i in range(5)),
            *(f"b{i}" for i in range(5)),
        ]

    def test_filters(self, logs: LogStore) -> None:
        logs.append(
            [
                log("e1 t1 info"),
                log("e1 t1 debug", level=LogLevel.DEBUG),
                log("e1 t2 error", task_id="t2", task_run_id="r2", level=LogLevel.ERROR),
                log("e1 t2 trace", task_id="t2", task_run_id="r2", level=LogLevel.TRACE),
                log("e1 execution warn", task_id=None, task_run_id=None, level=LogLevel.WARN),
                log("e2 t1 info", execution_id="e2", task_run_id="r3"),
            ]
        )

        def messages(**query: Any) -> list[str]:
            return [e.message for e in logs.find(LogQuery(**query))]

        assert messages(execution_id="e2") == ["e2 t1 info"]
        assert messages(task_run_id="r2") == ["e1 t2 error", "e1 t2 trace"]
        assert messages(execution_id="e1", task_id="t1") == ["e1 t1 info", "e1 t1 debug"]
        assert messages(execution_id="e1", min_level=LogLevel.WARN) == [
            "e1 t2 error",
            "e1 execution warn",
        ]
        assert messages(min_level=LogLevel.INFO, task_id="t1") == ["e1 t1 info", "e2 t1 info"]
        assert len(messages(min_level=LogLevel.TRACE)) == 6
        assert messages(execution_id="nope") == []
        assert logs.count(LogQuery(execution_id="e1", min_level=LogLevel.DEBUG)) == 4

    def test_paging(self, logs: LogStore) -> None:
        logs.append([log(f"m{i:03}") for i in range(95)])
        logs.append([log("other", execution_id="e2")])
        query = LogQuery(execution_id="e1")
        pages = [logs.find(query, offset=start, limit=20) for start in range(0, 100, 20)]
        assert [len(page) for page in pages] == [20, 20, 20, 20, 15]
        assert [e.message for page in pages for e in page] == [f"m{i:03}" for i in range(95)]
        assert logs.find(query, offset=95, limit=20) == []
        assert logs.find(query, limit=0) == []
        assert len(logs.find(query, offset=90)) == 5
        assert logs.count(query) == 95

    def test_search_filters(self, logs: LogStore) -> None:
        logs.append(
            [
                log("Disk FULL on host", namespace="company.team"),
                log("child line", namespace="company.team.sub", flow_id="other"),
                log("sibling line", namespace="company.teams"),
                log("50% done_now", trigger_id="schedule", execution_id=None, task_id=None),
                log("late", timestamp=T0 + timedelta(hours=2)),
            ]
        )

        def messages(**query: Any) -> list[str]:
            return sorted(e.message for e in logs.find(LogQuery(**query)))

        # A namespace matches those under it, not those that merely start with its text.
        assert messages(namespace="company.team") == [
            "50% done_now",
            "Disk FULL on host",
            "child line",
            "late",
        ]
        assert messages(namespace="company.team.sub") == ["child line"]
        assert messages(flow_id="other") == ["child line"]
        assert messages(trigger_id="schedule") == ["50% done_now"]
        # Text ignores case and matches LIKE's wildcards literally.
        assert messages(text="disk full") == ["Disk FULL on host"]
        assert messages(text="50%") == ["50% done_now"]
        assert messages(text="e_n") == ["50% done_now"]
        assert messages(text="%") == ["50% done_now"]
        assert messages(text="SCHEDULE") == ["50% done_now"]  # an id matches too
        assert messages(start=T0 + timedelta(hours=1)) == ["late"]
        assert messages(end=T0) == sorted(m for m in messages() if m != "late")
        assert messages(start=T0 + timedelta(hours=2), end=T0 + timedelta(hours=2)) == ["late"]
        assert logs.count(LogQuery(namespace="company.team", text="line")) == 1

    def test_search_orders_by_timestamp(self, logs: LogStore) -> None:
        logs.append([log(f"m{i}", timestamp=T0 + timedelta(minutes=(i * 7) % 5)) for i in range(5)])
        logs.append([log("tie", timestamp=T0 + timedelta(minutes=4))])
        newest = [e.message for e in logs.find(LogQuery(order="newest"))]
        assert newest == ["tie", "m2", "m4", "m1", "m3", "m0"]
        oldest = [e.message for e in logs.find(LogQuery(order="oldest"))]
        assert oldest == ["m0", "m3", "m1", "m4", "m2", "tie"]
        page = logs.find(LogQuery(order="newest"), offset=2, limit=2)
        assert [e.message for e in page] == ["m4", "m1"]

    def test_refuses_negative_paging(self, logs: LogStore) -> None:
        with pytest.raises(ValueError):
            logs.find(LogQuery(), offset=-1)
        with pytest.raises(ValueError):
            logs.find(LogQuery(), limit=-1)

    def test_empty_batch(self, logs: LogStore) -> None:
        logs.append([])
        logs.append(iter(()))
        assert logs.count(LogQuery()) == 0

    def test_delete_by_execution(self, logs: LogStore) -> None:
        logs.append([log("a"), log("b"), log("c", execution_id="e2")])
        assert logs.delete_by_execution("e1") == 2
        assert [e.message for e in logs.find(LogQuery())] == ["c"]
        assert logs.delete_by_execution("e1") == 0

    def test_a_batch_of_1000_lines_is_stored_whole_and_in_order(self, logs: LogStore) -> None:
        # How fast a batch is written is measured in bench/, not here: a loaded machine
        # makes any time budget in a test flaky.
        batch = [log(f"line {i}", thread="worker-1") for i in range(1000)]
        for _ in range(5):
            logs.append(batch)
        assert logs.count(LogQuery(execution_id="e1")) == 5000
        got = [e.message for e in logs.find(LogQuery(execution_id="e1"))]
        assert got == [f"line {i}" for i in range(1000)] * 5

    def test_concurrent_appenders_keep_each_batch_in_order(self, logs: LogStore) -> None:
        def work(i: int) -> None:
            for b in range(10):
                logs.append([log(f"{i}:{b}:{n}", execution_id=f"e{i}") for n in range(50)])

        run_threads(8, work)
        assert logs.count(LogQuery()) == 8 * 10 * 50
        for i in range(8):
            got = [e.message for e in logs.find(LogQuery(execution_id=f"e{i}"))]
            assert got == [f"{i}:{b}:{n}" for b in range(10) for n in range(50)]


def metric(name: str, value: float, **fields: Any) -> MetricEntry:
    """A metric value with defaults for what a test does not care about."""
    values: dict[str, Any] = {
        "namespace": "company.team",
        "flow_id": "flow",
        "type": MetricType.COUNTER,
        "timestamp": T0,
        "execution_id": "e1",
        "task_id": "t1",
        "task_run_id": "r1",
    }
    return MetricEntry(name=name, value=value, **(values | fields))


class MetricStoreContract:
    """What every ``MetricStore`` backend guarantees."""

    @pytest.fixture
    def metrics(self) -> MetricStore:
        raise NotImplementedError("a backend's test class provides a fresh metric store")

    def test_every_field_round_trips(self, metrics: MetricStore) -> None:
        entry = metric(
            "duration",
            1234.5,
            type="timer",
            tags={"format": "csv", "ünï": "✓"},
            timestamp=datetime(2024, 5, 1, 12, 0, 0, 1, tzinfo=UTC),
        )
        metrics.append([entry, metric("rows", 10, tags={})])
        found = metrics.find_by_execution("e1")
        assert found == [entry, metric("rows", 10.0)]
        assert found[0].type is MetricType.TIMER
        assert dict(found[0].tags) == {"format": "csv", "ünï": "✓"}

    def test_filters_and_order(self, metrics: MetricStore) -> None:
        metrics.append(
            [
                metric("rows", 1),
                metric("rows", 2, task_run_id="r2"),
                metric("bytes", 3),
                metric("rows", 4, execution_id="e2"),
            ]
        )
        assert [m.value for m in metrics.find_by_execution("e1")] == [1, 2, 3]
        assert [m.value for m in metrics.find_by_execution("e1", task_run_id="r2")] == [2]
        assert [m.value for m in metrics.find_by_execution("e1", name="rows")] == [1, 2]
        assert metrics.find_by_execution("nope") == []

    def test_unknown_type_is_refused(self) -> None:
        with pytest.raises(ValueError):
            metric("rows", 1, type="gauge")

    def test_delete_by_execution(self, metrics: MetricStore) -> None:
        metrics.append([metric("a", 1), metric("b", 2), metric("c", 3, execution_id="e2")])
        assert metrics.delete_by_execution("e1") == 2
        assert metrics.find_by_execution("e1") == []
        assert len(metrics.find_by_execution("e2")) == 1

    def test_concurrent_appenders(self, metrics: MetricStore) -> None:
        def work(_: int) -> None:
            for j in range(20):
                metrics.append([metric("n", j)])

        run_threads(8, work)
        assert len(metrics.find_by_execution("e1")) == 160
