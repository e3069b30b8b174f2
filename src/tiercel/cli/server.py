"""``tiercel server local``: the whole system in one process, on the embedded backend."""

import logging
import os
import time
from pathlib import Path

import click
import uvicorn

from tiercel.wiring.server import ServerConfig, running_server


@click.group()
def server() -> None:
    """Run Tiercel as a service."""


@server.command()
@click.option("--port", type=int, default=lambda: int(os.environ.get("TIERCEL_PORT", "8080")),
              show_default="8080, or $TIERCEL_PORT", help="The API's port.")  # fmt: skip
@click.option("--host", default=lambda: os.environ.get("TIERCEL_HOST", "127.0.0.1"),
              show_default="127.0.0.1, or $TIERCEL_HOST",
              help="The interface to listen on (0.0.0.0 for every one).")  # fmt: skip
@click.option("--data-dir", "data_root", type=click.Path(path_type=Path, file_okay=False),
              default=lambda: os.environ.get("TIERCEL_DATA_DIR", "data"),
              show_default="./data, or $TIERCEL_DATA_DIR",
              help="Where the database and internal storage live.")  # fmt: skip
@click.option("--flows", "flows_dir",
              type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Deploy every flow of this folder and follow its changes.")  # fmt: skip
@click.option("--threads", type=int, default=lambda: int(os.environ.get("TIERCEL_THREADS", "8")),
              show_default="8, or $TIERCEL_THREADS", help="Worker threads.")  # fmt: skip
def local(port: int, host: str, data_root: Path, flows_dir: Path | None, threads: int) -> None:
    """Executor, workers, scheduler and API in one process, state in ./data (SQLite)."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-5s %(name)s: %(message)s"
    )
    started = time.monotonic()
    config = ServerConfig(
        data_dir=data_root, host=host, port=port, threads=threads, flows_dir=flows_dir
    )
    with running_server(config) as running:
        api = uvicorn.Server(
            uvicorn.Config(running.app, host=host, port=port, log_level="warning", lifespan="off")
        )
        logging.getLogger("tiercel.server").info(
            "Tiercel is up on http://%s:%d (data in %s) in %.2f s",
            host,
            port,
            data_root,
            time.monotonic() - started,
        )
        api.run()  # returns after SIGINT or SIGTERM, once open requests are answered
