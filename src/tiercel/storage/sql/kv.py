"""``SqlKVStore``: the KV store in the ``kv_entries`` table."""

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from tiercel.model.kv import KVType
from tiercel.storage.errors import InvalidValueError, KeyExistsError
from tiercel.storage.globs import glob_to_regex
from tiercel.storage.kv import (
    KVEntry,
    decode_value,
    encode_value,
    is_expired,
    validate_key,
)
from tiercel.storage.ports import KVStore
from tiercel.storage.sql import dialects
from tiercel.storage.sql.database import Database
from tiercel.storage.sql.schema import kv_entries as kv
from tiercel.storage.uris import namespace_segments

# A concurrent first insert of the same key fails the primary key; once more sees the row.
_SET_ATTEMPTS = 2


class SqlKVStore:
    """The ``KVStore`` port on a ``Database``."""

    def __init__(self, db: Database) -> None:
        """Store KV entries in ``db``.

        Args:
            db: An open, migrated database.
        """
        self._db = db

    def set(
        self,
        namespace: str,
        key: str,
        value: Any,
        *,
        now: datetime,
        kv_type: KVType | str | None = None,
        ttl: timedelta | None = None,
        overwrite: bool = True,
        description: str | None = None,
    ) -> KVEntry:
        """Set a key; see ``KVStore.set``."""
        _check_now(now)
        namespace_segments(namespace)
        validate_key(key)
        kind, text = encode_value(value, kv_type)
        if ttl is not None and ttl <= timedelta(0):
            raise InvalidValueError(f"a TTL must be positive, not {ttl}")
        entry = KVEntry(
            namespace=namespace,
            key=key,
            value=decode_value(kind, text),
            kv_type=kind,
            created_at=now,
            updated_at=now,
            expires_at=None if ttl is None else now + ttl,
            description=description,
        )
        for attempt in range(_SET_ATTEMPTS):
            try:
                with self._db.write() as conn:
                    return _write(conn, entry, text, overwrite=overwrite)
            except IntegrityError:
                if attempt == _SET_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, namespace: str, key: str, *, now: datetime) -> KVEntry | None:
        """The entry of a live key, or None."""
        _check_now(now)
        validate_key(key)
        with self._db.read() as conn:
            row = conn.execute(select(kv).where(_pk(namespace, key))).first()
        if row is None or is_expired(row.expires_at, now):
            return None
        return _entry(row)

    def keys(self, namespace: str, prefix: str | None = None, *, now: datetime) -> list[str]:
        """The live keys of a namespace, sorted."""
        _check_now(now)
        query = select(kv.c.key).where(*_live(namespace, prefix, now))
        with self._db.read() as conn:
            # Sorted here: ORDER BY follows the database's collation, which differs by locale.
            return sorted(conn.execute(query).scalars())

    def entries(self, namespace: str, prefix: str | None = None, *, now: datetime) -> list[KVEntry]:
        """The live entries of a namespace, sorted by key."""
        _check_now(now)
        query = select(kv).where(*_live(namespace, prefix, now))
        with self._db.read() as conn:
            return sorted((_entry(row) for row in conn.execute(query)), key=lambda e: e.key)

    def delete(self, namespace: str, key: str) -> bool:
        """Delete a key; tell whether a stored value was removed."""
        validate_key(key)
        with self._db.write() as conn:
            return conn.execute(delete(kv).where(_pk(namespace, key))).rowcount > 0

    def purge(
        self,
        *,
        now: datetime,
        namespaces: Collection[str] | None = None,
        include_child_namespaces: bool = True,
        key_pattern: str | None = None,
        expired_only: bool = True,
        namespace_pattern: str | None = None,
    ) -> int:
        """Delete keys in bulk; see ``KVStore.purge``."""
        _check_now(now)
        conditions: list[ColumnElement[bool]] = []
        if namespaces is not None:
            scopes: list[ColumnElement[bool]] = []
            for namespace in namespaces:
                scopes.append(kv.c.namespace == namespace)
                if include_child_namespaces:
                    scopes.append(_starts_with(kv.c.namespace, namespace + "."))
            if not scopes:
                return 0
            conditions.append(or_(*scopes))
        if expired_only:
            conditions.append(and_(kv.c.expires_at.is_not(None), kv.c.expires_at <= now))
        with self._db.write() as conn:
            if key_pattern is None and namespace_pattern is None:
                return conn.execute(delete(kv).where(*conditions)).rowcount
            # Globs have no portable SQL form: match in Python, inside the same transaction.
            keys = glob_to_regex(key_pattern or "*")
            spaces = glob_to_regex(namespace_pattern or "*")
            rows = conn.execute(select(kv.c.namespace, kv.c.key).where(*conditions))
            doomed = [
                {"ns": r.namespace, "k": r.key}
                for r in rows
                if keys.fullmatch(r.key) and spaces.fullmatch(r.namespace)
            ]
            if doomed:
                one = delete(kv).where(
                    kv.c.namespace == bindparam("ns"), kv.c.key == bindparam("k")
                )
                conn.execute(one, doomed)
            return len(doomed)


def _write(conn: Connection, entry: KVEntry, text: str, *, overwrite: bool) -> KVEntry:
    """Insert or update ``entry`` inside a write transaction; return it as stored."""
    where = _pk(entry.namespace, entry.key)
    # Whether the key is live decides what happens: no other writer may change that meanwhile.
    dialects.lock_key(conn, "kv", entry.namespace, entry.key)
    old = conn.execute(select(kv.c.created_at, kv.c.expires_at).where(where)).first()
    live = old is not None and not is_expired(old.expires_at, entry.updated_at)
    if live and not overwrite:
        raise KeyExistsError(
            f"cannot set value for key '{entry.key}' in namespace '{entry.namespace}': "
            "the key already exists and overwrite is false"
        )
    if live and old is not None:
        # Overwriting keeps the creation time; a key set again after it expired is new.
        entry = replace(entry, created_at=old.created_at)
    values = {
        "value_type": entry.kv_type.value,
        "value": text,
        "description": entry.description,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "expires_at": entry.expires_at,
    }
    if old is None:
        conn.execute(insert(kv).values(namespace=entry.namespace, key=entry.key, **values))
    else:
        conn.execute(update(kv).where(where).values(**values))
    return entry


def _check_now(now: datetime) -> None:
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise ValueError(f"now must be a datetime with a time zone, not {now!r}")


def _pk(namespace: str, key: str) -> ColumnElement[bool]:
    return and_(kv.c.namespace == namespace, kv.c.key == key)


def _live(namespace: str, prefix: str | None, now: datetime) -> list[ColumnElement[bool]]:
    conditions = [
        kv.c.namespace == namespace,
        or_(kv.c.expires_at.is_(None), kv.c.expires_at > now),
    ]
    if prefix:
        conditions.append(_starts_with(kv.c.key, prefix))
    return conditions


def _starts_with(column: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
    # Not LIKE: SQLite's LIKE ignores case and PostgreSQL's does not, and '_' and '%' in the
    # prefix would need escaping. Comparing a substring is exact on both.
    return func.substr(column, 1, len(prefix)) == prefix


def _entry(row: Row[Any]) -> KVEntry:
    return KVEntry(
        namespace=row.namespace,
        key=row.key,
        value=decode_value(row.value_type, row.value),
        kv_type=KVType(row.value_type),
        created_at=row.created_at,
        updated_at=row.updated_at,
        expires_at=row.expires_at,
        description=row.description,
    )


if TYPE_CHECKING:
    # mypy proves here that the adapter implements its port.
    _conforms: type[KVStore] = SqlKVStore
