"""The DynamoDB tasks in a real flow against a moto server."""

from pathlib import Path
from typing import Any

import pytest
from aws_support import SECRET_KEY, all_logs, client, errors, outputs, run, stored, task, unique

from tiercel.sdk.ion import loads


@pytest.fixture
def table(moto_endpoint: str) -> str:
    name = unique("table")
    client(moto_endpoint, "dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "team", "KeyType": "HASH"},
            {"AttributeName": "id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "team", "AttributeType": "S"},
            {"AttributeName": "id", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


def put(task_id: str, endpoint: str, table: str, item: str) -> str:
    return task(task_id, "io.kestra.plugin.aws.dynamodb.PutItem", endpoint,
                f"tableName: {table}\nitem: {item}\n")  # fmt: skip


def test_put_get_query_scan_delete(tmp_path: Path, moto_endpoint: str, table: str) -> None:
    finished = run(
        tmp_path,
        put("p1", moto_endpoint, table, '{"team": "a", "id": 1, "name": "x", "tags": ["t"]}'),
        put("p2", moto_endpoint, table, '{"team": "a", "id": 2, "ok": true, "meta": {"k": 1.5}}'),
        put("p3", moto_endpoint, table, '{"team": "b", "id": 1}'),
        task(
            "get",
            "io.kestra.plugin.aws.dynamodb.GetItem",
            moto_endpoint,
            f"tableName: {table}\nkey:\n  team: a\n  id: 2\n",
        ),
        task(
            "query",
            "io.kestra.plugin.aws.dynamodb.Query",
            moto_endpoint,
            f"""\
            tableName: {table}
            keyConditionExpression: "team = :team"
            expressionAttributeValues:
              ":team": a
            fetchType: FETCH
            """,
        ),
        task(
            "scan",
            "io.kestra.plugin.aws.dynamodb.Scan",
            moto_endpoint,
            f"tableName: {table}\n",
        ),
        task(
            "delete",
            "io.kestra.plugin.aws.dynamodb.DeleteItem",
            moto_endpoint,
            f"tableName: {table}\nkey:\n  team: b\n  id: 1\n",
        ),
        task(
            "count",
            "io.kestra.plugin.aws.dynamodb.Scan",
            moto_endpoint,
            f"tableName: {table}\nfetchType: FETCH_ONE\nfilterExpression: 'team = :t'\n"
            "expressionAttributeValues:\n  ':t': b\n",
        ),
    )
    assert str(finished.execution.state.current) == "SUCCESS", all_logs(finished)
    assert outputs(finished, "get")["row"] == {"team": "a", "id": 2, "ok": True, "meta": {"k": 1.5}}
    query = outputs(finished, "query")
    assert query["size"] == 2
    assert [row["id"] for row in query["rows"]] == [1, 2]
    assert query["rows"][0]["tags"] == ["t"]
    scan = outputs(finished, "scan")
    assert scan["size"] == 3
    lines = stored(tmp_path, scan["uri"]).decode().splitlines()
    assert sorted((r["team"], r["id"]) for r in map(loads, lines)) == [("a", 1), ("a", 2), ("b", 1)]
    assert outputs(finished, "count") == {"row": None, "size": 0}


def test_a_missing_table_fails_with_the_provider_message(
    tmp_path: Path, moto_endpoint: str
) -> None:
    finished = run(
        tmp_path,
        task(
            "get",
            "io.kestra.plugin.aws.dynamodb.GetItem",
            moto_endpoint,
            "tableName: nothing\nkey:\n  id: 1\n",
        ),
    )
    (message,) = errors(finished, "get")
    assert message.startswith("Unable to get an item from 'nothing': ")
    assert "ResourceNotFoundException" in message


def test_put_item_refuses_a_non_object(tmp_path: Path, moto_endpoint: str, table: str) -> Any:
    finished = run(tmp_path, put("p", moto_endpoint, table, "'[1, 2]'"))
    assert errors(finished, "p") == ["'item' must be a map or a JSON object"]


def test_wrong_credentials_fail_in_one_line_without_the_secret(
    tmp_path: Path, moto_auth_endpoint: str
) -> None:
    finished = run(
        tmp_path,
        task(
            "get",
            "io.kestra.plugin.aws.dynamodb.GetItem",
            moto_auth_endpoint,
            'tableName: any\nkey: {"id": 1}\n',
        ),
    )
    (message,) = errors(finished, "get")
    assert message == (
        "Unable to get an item from 'any': An error occurred (403) when calling the GetItem "
        "operation: InvalidClientTokenId: The security token included in the request is invalid."
    )
    assert SECRET_KEY not in all_logs(finished)
