"""The KV store over HTTP: typed values in and out, TTL and description headers, listing
with metadata, inheritance, delete and bulk delete, a flow reading a key set through the API;
and the refusals (bad key, bad namespace, bad TTL, empty value, unknown key) as 4xx JSON."""

import pytest
from tests.api.conftest import LiveServer

KV = "/api/v1/main/namespaces/company.team/kv"

READER = """\
id: kv_reader
namespace: company.team
tasks:
  - id: get
    type: io.kestra.plugin.core.debug.Return
    format: "{{ kv('greeting') }}"
"""


def put(live: LiveServer, key: str, body: str, **headers: str) -> int:
    response = live.client.put(f"{KV}/{key}", content=body, headers=headers)
    return response.status_code


@pytest.mark.parametrize(
    ("body", "content_type", "kind", "value"),
    [
        ('"hello"', "application/json", "STRING", "hello"),
        ("plain words", "text/plain", "STRING", "plain words"),
        ("42", "application/json", "NUMBER", 42),
        ("1.5", "application/json", "NUMBER", 1.5),
        ("true", "application/json", "BOOLEAN", True),
        ('{"a": [1, 2]}', "application/json", "JSON", {"a": [1, 2]}),
        ("[1, 2]", "application/json", "JSON", [1, 2]),
        ("2024-05-01T10:00:00Z", "text/plain", "DATETIME", "2024-05-01T10:00:00Z"),
        ("2024-05-01", "text/plain", "DATE", "2024-05-01"),
        ("PT1H30M", "text/plain", "DURATION", "PT1H30M"),
        ('"2024-05-01"', "application/json", "STRING", "2024-05-01"),
    ],
)
def test_values_keep_their_type(
    live: LiveServer, body: str, content_type: str, kind: str, value: object
) -> None:
    assert put(live, "k", body, **{"content-type": content_type}) == 200
    got = live.client.get(f"{KV}/k")
    assert got.status_code == 200, got.text
    assert got.json() == {"type": kind, "value": value}


def test_list_metadata_ttl_inheritance_and_delete(live: LiveServer) -> None:
    assert put(live, "greeting", '"hi"', description="a greeting") == 200
    assert put(live, "short", "1", ttl="PT1H") == 200
    assert (
        live.client.put("/api/v1/main/namespaces/company/kv/parent", content='"p"').status_code
        == 200
    )
    listed = live.client.get(KV).json()
    assert [entry["key"] for entry in listed] == ["greeting", "short"]
    greeting, short = listed
    assert greeting["description"] == "a greeting" and greeting["expirationDate"] is None
    assert greeting["creationDate"].endswith("Z") and greeting["updateDate"].endswith("Z")
    assert short["expirationDate"] is not None

    inherited = live.client.get(f"{KV}/inheritance").json()
    assert [(ns["namespace"], [e["key"] for e in ns["kvs"]]) for ns in inherited] == [
        ("company.team", ["greeting", "short"]),
        ("company", ["parent"]),
    ]

    live.deploy(READER)
    created = live.client.post(
        "/api/v1/main/executions/company.team/kv_reader", params={"wait": True}
    ).json()
    assert live.wait_ended(created["id"])["taskRunList"][0]["outputs"]["value"] == "hi"

    assert live.client.delete(f"{KV}/short").json() is True
    assert live.client.delete(f"{KV}/short").json() is False
    bulk = live.client.request("DELETE", KV, json={"keys": ["greeting", "absent"]})
    assert bulk.status_code == 200 and bulk.json() == {"keys": ["greeting"]}
    assert live.client.get(KV).json() == []


def test_refusals_are_4xx_json(live: LiveServer) -> None:
    bad_key = live.client.put(f"{KV}/-starts-with-dash", content='"x"')
    assert bad_key.status_code == 422 and "invalid KV key" in bad_key.json()["message"]
    assert live.client.get(f"{KV}/bad$key").status_code == 422
    assert live.client.delete(f"{KV}/bad$key").status_code == 422
    unknown = live.client.get(f"{KV}/absent")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == (
        "No value found for key 'absent' in namespace 'company.team'"
    )
    bad_ns = live.client.get("/api/v1/main/namespaces/bad..ns/kv")
    assert bad_ns.status_code == 422 and "namespace" in bad_ns.json()["message"]
    bad_ttl = live.client.put(f"{KV}/k", content="1", headers={"ttl": "an hour"})
    assert bad_ttl.status_code == 422 and "ttl" in bad_ttl.json()["message"]
    negative = live.client.put(f"{KV}/k", content="1", headers={"ttl": "-PT1H"})
    assert negative.status_code == 422
    empty = live.client.put(f"{KV}/k", content="  ")
    assert empty.status_code == 422 and "empty" in empty.json()["message"]
    not_finite = live.client.put(f"{KV}/k", content="NaN")
    assert not_finite.status_code == 422 and "finite" in not_finite.json()["message"]
    bulk = live.client.request("DELETE", KV, json={"keys": "nope"})
    assert bulk.status_code == 422
