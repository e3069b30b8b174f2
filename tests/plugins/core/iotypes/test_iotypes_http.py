"""The ``http`` plugins: request, download and the polling trigger, with the client options of
both Kestra 0.21 (flat keys) and 1.x (nested)."""

from datetime import timedelta

from iotypes_support import load, refused_at, rules

from tiercel.plugins.core.http.options import (
    BasicAuth,
    BearerAuth,
    DigestAuth,
    HttpLogLevel,
    HttpOptions,
    LoggingType,
    ProxyType,
)

H = "io.kestra.plugin.core.http."


def test_request_from_kestras_example_with_defaults() -> None:
    task = load(
        {
            "id": "send_data",
            "type": H + "Request",
            "uri": "https://dummyjson.com/products/add",
            "method": "POST",
            "contentType": "application/json",
            "body": "{{ inputs.payload }}",
        }
    )
    assert (task.uri, task.method, task.body) == (
        "https://dummyjson.com/products/add",
        "POST",
        "{{ inputs.payload }}",
    )
    assert task.encrypt_body is False
    assert task.options == HttpOptions()
    assert task.options.follow_redirects is True
    assert task.options.allow_failed is False
    assert task.options.default_charset == "UTF-8"
    assert rules(task) == []


def test_request_defaults_when_only_the_uri_is_given() -> None:
    task = load({"id": "r", "type": "io.kestra.plugin.fs.http.Request", "uri": "https://x"})
    assert (task.method, task.content_type, task.headers, task.form_data) == (
        "GET",
        "application/json",
        None,
        None,
    )


def test_request_with_form_data_headers_and_0_21_options() -> None:
    task = load(
        {
            "id": "http",
            "type": H + "Request",
            "uri": "https://reqres.in/api/long-request",
            "timeout": "PT10M",
            "headers": {"user-agent": "kestra-io", "X-Retries": 3},
            "formData": {"user": {"name": "my-file.txt", "content": "{{ inputs.file }}"}},
            "contentType": "multipart/form-data",
            "options": {
                "connectTimeout": "PT1M",
                "readTimeout": "PT30S",
                "connectionPoolIdleTimeout": "PT10S",
                "readIdleTimeout": "PT10M",
                "maxContentLength": 1048576,
                "proxyType": "HTTP",
                "proxyAddress": "proxy.local",
                "proxyPort": 3128,
                "basicAuthUser": "u",
                "basicAuthPassword": "p",
                "logLevel": "TRACE",
            },
            "sslOptions": {"insecureTrustAllCertificates": True},
            "allowFailed": True,
            "encryptBody": True,
        }
    )
    assert task.headers == {"user-agent": "kestra-io", "X-Retries": "3"}
    assert task.options.read_timeout == timedelta(seconds=30)
    assert task.options.proxy_type is ProxyType.HTTP
    assert task.options.log_level is HttpLogLevel.TRACE
    assert task.ssl_options.insecure_trust_all_certificates is True
    assert task.allow_failed is True


def test_request_with_1_x_options() -> None:
    task = load(
        {
            "id": "http",
            "type": H + "Request",
            "uri": "https://x",
            "options": {
                "timeout": {"connectTimeout": "PT5S"},
                "proxy": {"type": "SOCKS", "address": "p", "port": "{{ vars.port }}"},
                "auth": {"type": "BEARER", "token": "{{ secret('TOKEN') }}"},
                "ssl": {"insecureTrustAllCertificates": "{{ inputs.insecure }}"},
                "allowFailed": True,
                "followRedirects": False,
                "logs": ["REQUEST_HEADERS", "RESPONSE_BODY"],
            },
        }
    )
    options = task.options
    assert options.timeout.connect_timeout == timedelta(seconds=5)
    assert options.timeout.read_idle_timeout == timedelta(minutes=5)
    assert options.proxy.type is ProxyType.SOCKS
    assert isinstance(options.auth, BearerAuth)
    assert options.logs == [LoggingType.REQUEST_HEADERS, LoggingType.RESPONSE_BODY]


def test_auth_is_chosen_by_its_type() -> None:
    for kind, cls in (("BASIC", BasicAuth), ("BEARER", BearerAuth), ("DIGEST", DigestAuth)):
        task = load(
            {"id": "r", "type": H + "Request", "uri": "u", "options": {"auth": {"type": kind}}}
        )
        assert isinstance(task.options.auth, cls)
    data = {"id": "r", "type": H + "Request", "uri": "u", "options": {"auth": {"type": "NTLM"}}}
    assert refused_at(data, "options", "auth")
    basic_with_token = {"type": "BASIC", "token": "t"}
    data["options"] = {"auth": basic_with_token}
    assert refused_at(data, "options", "auth")


def test_request_refusals() -> None:
    assert refused_at({"id": "r", "type": H + "Request"}, "uri")
    assert refused_at({"id": "r", "type": H + "Request", "uri": "u", "url": "u"}, "url")
    assert refused_at(
        {"id": "r", "type": H + "Request", "uri": "u", "options": {"readTimeout": "10 seconds"}},
        "options",
        "readTimeout",
    )
    assert refused_at(
        {"id": "r", "type": H + "Request", "uri": "u", "options": {"proxyType": "FTP"}},
        "options",
        "proxyType",
    )


def test_download() -> None:
    task = load(
        {
            "id": "extract",
            "type": H + "Download",
            "uri": "https://huggingface.co/datasets/kestra/datasets/raw/main/csv/orders.csv",
        }
    )
    assert task.fail_on_empty_response is True
    assert task.method == "GET"
    alias = load(
        {
            "id": "d",
            "type": "io.kestra.plugin.fs.http.Download",
            "uri": "u",
            "failOnEmptyResponse": False,
        }
    )
    assert alias.fail_on_empty_response is False
    assert refused_at({"id": "d", "type": H + "Download"}, "uri")
    assert refused_at(
        {"id": "d", "type": H + "Download", "uri": "u", "encryptBody": True}, "encryptBody"
    )


def test_http_trigger_from_the_corpus() -> None:
    trigger = load(
        {
            "id": "http",
            "type": "io.kestra.plugin.fs.http.Trigger",
            "encryptBody": True,
            "uri": "https://api.chucknorris.io/jokes/random",
            "responseCondition": "{{ json(response.body).id is not null }}",
            "interval": "PT10S",
        }
    )
    assert trigger.interval == timedelta(seconds=10)
    assert trigger.encrypt_body is True
    assert trigger.options is None


def test_http_trigger_defaults() -> None:
    trigger = load(
        {
            "id": "http",
            "type": H + "Trigger",
            "uri": "https://fakestoreapi.com/products/1",
            "stopAfter": ["SUCCESS"],
            "params": {"q": "x"},
        }
    )
    assert trigger.interval == timedelta(seconds=60)
    assert trigger.response_condition == "{{ response.statusCode < 400 }}"
    assert trigger.method == "GET"
    assert trigger.params == {"q": "x"}
    assert refused_at({"id": "h", "type": H + "Trigger"}, "uri")
    assert refused_at(
        {"id": "h", "type": H + "Trigger", "uri": "u", "allowFailed": True}, "allowFailed"
    )
