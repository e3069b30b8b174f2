"""What the namespace files editor does over HTTP: create a folder and a file in it, rename
the folder, and refuse a path leaving the namespace with a 422 that names the path."""

from tests.api.conftest import LiveServer

FILES = "/api/v1/main/namespaces/company.edit/files"


def test_rename_a_folder_moves_its_files(live: LiveServer) -> None:
    assert live.client.post(f"{FILES}/directory", params={"path": "/scripts"}).status_code == 200
    written = live.client.post(
        FILES, params={"path": "/scripts/etl.py"}, files={"fileContent": ("etl.py", b"print(1)")}
    )
    assert written.status_code == 200
    moved = live.client.put(FILES, params={"from": "/scripts", "to": "/jobs"})
    assert moved.status_code == 200, moved.text
    listed = live.client.get(f"{FILES}/directory", params={"path": "/jobs"}).json()
    assert [(e["fileName"], e["type"], e["size"]) for e in listed] == [("etl.py", "File", 8)]
    gone = live.client.get(f"{FILES}/directory", params={"path": "/scripts"})
    assert gone.status_code == 404


def test_paths_leaving_the_namespace_are_refused_by_name(live: LiveServer) -> None:
    live.client.post(FILES, params={"path": "/a.txt"}, files={"fileContent": ("a.txt", b"a")})
    refused = [
        live.client.post(f"{FILES}/directory", params={"path": "/../outside"}),
        live.client.put(FILES, params={"from": "/a.txt", "to": "/../../a.txt"}),
        live.client.post(
            FILES, params={"path": "/x/../../y.py"}, files={"fileContent": ("y.py", b"y")}
        ),
    ]
    for response in refused:
        assert response.status_code == 422, response.text
        message = response.json()["message"]
        assert "'/" in message and "must not contain '..'" in message
    assert live.client.get(FILES, params={"path": "/a.txt"}).content == b"a"
