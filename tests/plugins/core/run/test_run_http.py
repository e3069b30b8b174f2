"""Running ``http.Request`` and ``http.Download`` against a real server on 127.0.0.1."""

import base64
import json
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
from run_support import Harness, Received, Reply, Server

from tiercel.model.task import LogLevel
from tiercel.sdk import TaskFailure

H = "io.kestra.plugin.core.http."
HELLO = Reply(200, b'{ "hello": "world" }', {"Content-Type": "application/json"})


def test_get_outputs_code_headers_and_the_body_as_text(harness: Harness, server: Server) -> None:
    url = server.route("/hello", HELLO)
    ctx = harness.context()
    out = harness.run({"type": H + "Request", "uri": url}, ctx)
    assert out["uri"] == url
    assert out["code"] == 200
    assert out["body"] == '{ "hello": "world" }'
    assert out["headers"]["Content-Type"] == ["application/json"]
    assert out["headers"]["Content-Length"] == ["20"]
    (request,) = server.received
    assert (request.method, request.path, request.body) == ("GET", "/hello", b"")
    assert request.headers["user-agent"] == "Kestra"
    assert request.headers["content-type"] == "application/json"
    (metric,) = ctx.metrics
    assert (metric.name, metric.value, metric.tags["response.code"]) == (
        "response.length",
        20,
        "200",
    )


def test_the_legacy_type_and_a_space_in_the_uri(harness: Harness, server: Server) -> None:
    server.route("/with%20space", HELLO)
    out = harness.run(
        {"type": "io.kestra.plugin.fs.http.Request", "uri": server.url + "/with space"}
    )
    assert out["code"] == 200
    assert server.received[0].path == "/with%20space"


def test_post_a_rendered_body_with_headers(harness: Harness, server: Server) -> None:
    url = server.route("/post/json", lambda r: Reply(200, r.body))
    ctx = harness.context(inputs={"test": "value", "payload": {"title": "Kestra Pen"}})
    out = harness.run(
        {
            "type": H + "Request",
            "uri": url,
            "method": "POST",
            "body": "{{ inputs.payload }}",
            "headers": {"test": "{{ inputs.test }}", "X-Count": 3},
        },
        ctx,
    )
    assert json.loads(out["body"]) == {"title": "Kestra Pen"}
    request = server.received[0]
    assert request.method == "POST"
    assert json.loads(request.body) == {"title": "Kestra Pen"}
    assert request.headers["content-type"] == "application/json; charset=UTF-8"
    assert (request.headers["test"], request.headers["x-count"]) == ("value", "3")


def test_a_user_content_type_header_wins(harness: Harness, server: Server) -> None:
    url = server.route("/md", Reply(200, b"ok"))
    harness.run(
        {
            "type": H + "Request",
            "uri": url,
            "method": "PUT",
            "body": "# hello",
            "contentType": "text/markdown",
            "headers": {"content-type": "text/x-custom"},
        }
    )
    assert server.received[0].headers["content-type"] == "text/x-custom"


def test_form_data_is_url_encoded(harness: Harness, server: Server) -> None:
    url = server.route("/post/url-encoded", Reply(200, b"ok"))
    harness.run(
        {
            "type": H + "Request",
            "uri": url,
            "method": "POST",
            "contentType": "application/x-www-form-urlencoded",
            "formData": {"hello": "world & co", "n": 1, "ok": True},
        }
    )
    request = server.received[0]
    assert parse_qsl(request.body.decode()) == [("hello", "world & co"), ("n", "1"), ("ok", "true")]
    assert request.headers["content-type"] == "application/x-www-form-urlencoded; charset=UTF-8"


def test_multipart_form_data_uploads_storage_files(harness: Harness, server: Server) -> None:
    url = server.route("/post/multipart", Reply(200, b"ok"))
    file_uri = harness.put("orders.csv", b"id,amount\n1,10\n")
    named_uri = harness.put("tmp123", b"named content")
    ctx = harness.context(outputs={"dl": {"uri": file_uri}})
    harness.run(
        {
            "type": H + "Request",
            "uri": url,
            "method": "POST",
            "contentType": "multipart/form-data",
            "formData": {
                "hello": "world",
                "file": "{{ outputs.dl.uri }}",
                "custom": {"name": "my-file.txt", "content": named_uri},
            },
        },
        ctx,
    )
    request = server.received[0]
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = request.body.decode()
    assert 'name="hello"' in body and "\r\n\r\nworld\r\n" in body
    assert 'name="file"; filename="orders.csv"' in body and "id,amount\n1,10\n" in body
    assert 'name="custom"; filename="my-file.txt"' in body and "named content" in body


def test_a_failed_response_fails_the_task_with_its_body(harness: Harness, server: Server) -> None:
    url = server.route("/hello417", Reply(417, b"hello world"))
    with pytest.raises(TaskFailure) as failure:
        harness.run({"type": H + "Request", "uri": url})
    assert (
        str(failure.value) == "Failed http request with response code '417' and body:\nhello world"
    )


@pytest.mark.parametrize(
    "allow", [{"options": {"allowFailed": True}}, {"allowFailed": "{{ true }}"}]
)
def test_allow_failed_outputs_the_failed_response(
    harness: Harness, server: Server, allow: dict[str, object]
) -> None:
    url = server.route("/hello417", Reply(417, b'{ "hello": "world" }'))
    out = harness.run({"type": H + "Request", "uri": url, **allow})
    assert (out["code"], out["body"]) == (417, '{ "hello": "world" }')


def test_redirects_are_followed_unless_told_not_to(harness: Harness, server: Server) -> None:
    server.route("/hello", HELLO)
    url = server.route("/redirect", Reply(301, b"", {"Location": "/hello"}))
    assert harness.run({"type": H + "Request", "uri": url})["body"] == '{ "hello": "world" }'
    out = harness.run({"type": H + "Request", "uri": url, "options": {"followRedirects": False}})
    assert out["code"] == 301


def test_head_has_no_body(harness: Harness, server: Server) -> None:
    url = server.route("/headonly", Reply(200, b"", {"Content-Length": "42"}))
    out = harness.run({"type": H + "Request", "uri": url, "method": "HEAD"})
    assert out["code"] == 200 and "body" not in out
    assert server.received[0].method == "HEAD"


@pytest.mark.parametrize(
    "auth",
    [
        {
            "options": {
                "auth": {"type": "BASIC", "username": "{{ inputs.user }}", "password": "p w"}
            }
        },
        {"options": {"basicAuthUser": "john", "basicAuthPassword": "p w"}},
    ],
)
def test_basic_auth_is_sent_with_the_first_request(
    harness: Harness, server: Server, auth: dict[str, object]
) -> None:
    url = server.route("/me", Reply(200, b"ok"))
    harness.run(
        {"type": H + "Request", "uri": url, **auth}, harness.context(inputs={"user": "john"})
    )
    expected = "Basic " + base64.b64encode(b"john:p w").decode()
    assert server.received[0].headers["authorization"] == expected


def test_bearer_auth(harness: Harness, server: Server) -> None:
    url = server.route("/me", Reply(200, b"ok"))
    harness.run(
        {"type": H + "Request", "uri": url, "options": {"auth": {"type": "BEARER", "token": "t0k"}}}
    )
    assert server.received[0].headers["authorization"] == "Bearer t0k"


def test_digest_auth_answers_the_challenge(harness: Harness, server: Server) -> None:
    def digest(request: Received) -> Reply:
        if request.headers.get("authorization", "").startswith('Digest username="john"'):
            return Reply(200, b"in")
        return Reply(401, b"", {"WWW-Authenticate": 'Digest realm="r", nonce="n0", qop="auth"'})

    url = server.route("/digest", digest)
    auth = {"type": "DIGEST", "username": "john", "password": "secret"}
    out = harness.run({"type": H + "Request", "uri": url, "options": {"auth": auth}})
    assert out["body"] == "in"
    assert [r.headers.get("authorization", "")[:6] for r in server.received] == ["", "Digest"]


def test_a_self_signed_certificate_fails_unless_trusted(
    harness: Harness, tls_server: Server
) -> None:
    url = tls_server.route("/hello", HELLO)
    with pytest.raises(TaskFailure, match="CERTIFICATE_VERIFY_FAILED"):
        harness.run({"type": H + "Request", "uri": url, "options": {"allowFailed": True}})
    trusted = {"ssl": {"insecureTrustAllCertificates": True}}
    out = harness.run({"type": H + "Request", "uri": url, "options": trusted})
    assert out["body"] == '{ "hello": "world" }'
    legacy = {"insecureTrustAllCertificates": True}
    assert harness.run({"type": H + "Request", "uri": url, "sslOptions": legacy})["code"] == 200


@pytest.mark.parametrize(
    "options",
    [{"timeout": {"readIdleTimeout": "PT0.2S"}}, {"readTimeout": "PT0.2S"}],
)
def test_a_read_timeout(harness: Harness, server: Server, options: dict[str, object]) -> None:
    def slow(_request: Received) -> Reply:
        time.sleep(1)
        return Reply(200, b"late")

    url = server.route("/slow", slow)
    with pytest.raises(TaskFailure, match="Failed http request to"):
        harness.run({"type": H + "Request", "uri": url, "options": options})


def test_a_body_cut_short_fails_the_task(harness: Harness, server: Server) -> None:
    url = server.route("/short", Reply(200, b"only this", {"Content-Length": "100"}))
    with pytest.raises(TaskFailure, match="Failed http request to"):
        harness.run({"type": H + "Download", "uri": url, "options": {"readTimeout": "PT0.2S"}})


@pytest.mark.parametrize(
    "options",
    [
        {"proxy": {"type": "HTTP", "address": "127.0.0.1", "port": "{{ inputs.port }}",
                   "username": "u", "password": "p"}},
        {"proxyType": "HTTP", "proxyAddress": "127.0.0.1", "proxyPort": 0,
         "proxyUsername": "u", "proxyPassword": "p"},
    ],
)  # fmt: skip
def test_requests_go_through_a_proxy(
    harness: Harness, server: Server, options: dict[str, object]
) -> None:
    port = urlsplit(server.url).port
    if "proxyPort" in options:
        options = {**options, "proxyPort": port}
    server.route("http://example.invalid/x", Reply(200, b"via proxy"))
    ctx = harness.context(inputs={"port": port})
    out = harness.run(
        {"type": H + "Request", "uri": "http://example.invalid/x", "options": options}, ctx
    )
    assert out["body"] == "via proxy"
    request = server.received[0]
    assert request.path == "http://example.invalid/x"
    assert request.headers["proxy-authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


def test_a_proxy_without_a_type_is_not_used(harness: Harness, server: Server) -> None:
    url = server.route("/direct", Reply(200, b"direct"))
    options = {"proxy": {"address": "proxy.invalid", "port": 3128}}
    assert harness.run({"type": H + "Request", "uri": url, "options": options})["body"] == "direct"
    assert (
        LogLevel.WARN,
        "Proxy 'proxy.invalid' ignored: its type is DIRECT; set it to HTTP or SOCKS",
    ) in harness.logs


def test_encrypt_body_without_encryption_keeps_the_text(harness: Harness, server: Server) -> None:
    url = server.route("/hello", HELLO)
    out = harness.run({"type": H + "Request", "uri": url, "encryptBody": True})
    assert "body" not in out
    assert out["encryptedBody"] == {
        "type": "io.kestra.datatype:aes_encrypted",
        "value": '{ "hello": "world" }',
    }
    assert (LogLevel.WARN, "Unable to encrypt the output as encryption is not configured") in (
        harness.logs
    )


def test_the_logs_option_logs_the_exchange(harness: Harness, server: Server) -> None:
    url = server.route("/hello", HELLO)
    options = {"logs": ["REQUEST_HEADERS", "RESPONSE_BODY"]}
    harness.run({"type": H + "Request", "uri": url, "options": options})
    messages = [message for _, message in harness.logs]
    assert f"request:\n    method: GET\n    uri: {url}" in messages
    assert any(m.startswith("request headers:\n    Host: 127.0.0.1") for m in messages)
    assert (LogLevel.TRACE, 'response payload:\n    { "hello": "world" }') in harness.logs


def test_a_body_with_an_undefined_code_point_fails(harness: Harness, server: Server) -> None:
    url = server.route("/bin", Reply(200, "a\u0378b".encode()))
    with pytest.raises(TaskFailure, match="Illegal unicode code point in request body: 888"):
        harness.run({"type": H + "Request", "uri": url})


def test_download_stores_the_body(harness: Harness, server: Server) -> None:
    data = b"id,amount\n" + b"1,10\n" * 1000
    url = server.route("/data/orders.csv", Reply(200, data, {"Content-Type": "text/csv"}))
    ctx = harness.context()
    out = harness.run({"type": H + "Download", "uri": url}, ctx)
    assert (out["code"], out["length"]) == (200, len(data))
    assert out["uri"].endswith(".csv")
    assert harness.read(out["uri"]) == data
    assert out["headers"]["Content-Type"] == ["text/csv"]
    assert ctx.metrics[0].value == len(data)


def test_download_names_the_file_from_content_disposition(harness: Harness, server: Server) -> None:
    disposition = 'attachment; filename="../../evil/report 2024.csv"'
    url = server.route("/get", Reply(200, b"a,b\n", {"Content-Disposition": disposition}))
    out = harness.run({"type": H + "Download", "uri": url})
    assert out["uri"].endswith("/report%202024.csv")
    encoded = "attachment; filename=x.bin; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"
    url = server.route("/enc", Reply(200, b"%PDF", {"Content-Disposition": encoded}))
    assert harness.run({"type": H + "Download", "uri": url})["uri"].endswith(
        "/r%C3%A9sum%C3%A9.pdf"
    )


def test_download_of_an_empty_body(harness: Harness, server: Server) -> None:
    url = server.route("/empty", Reply(200, b""))
    with pytest.raises(TaskFailure, match="No response from server"):
        harness.run({"type": H + "Download", "uri": url})
    out = harness.run({"type": H + "Download", "uri": url, "failOnEmptyResponse": False})
    assert out["length"] == 0 and harness.read(out["uri"]) == b""
    assert (LogLevel.WARN, f"File '{url}' is empty") in harness.logs


def test_download_of_a_failed_response(harness: Harness, server: Server) -> None:
    url = server.route("/missing", Reply(404, b"not here"))
    with pytest.raises(TaskFailure, match="response code '404' and body:\nnot here"):
        harness.run({"type": H + "Download", "uri": url})
    out = harness.run({"type": H + "Download", "uri": url, "options": {"allowFailed": True}})
    assert (out["code"], harness.read(out["uri"])) == (404, b"not here")
