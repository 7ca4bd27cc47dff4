"""The real ZNYX server, started by the tests: ``node --import tsx apps/server/src/main.ts`` from
the repository root on an ephemeral port over a SQLite file, its URL read from its ``listening``
log line; orgs and tokens minted with the real operator CLI on the same file.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = PACKAGE_DIR.parents[1]
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
CLI_TIMEOUT_S = 60.0

#: Inherited by the server and the CLI; nothing else of this environment (no DATABASE_URL,
#: PORT, ZNYX_TOKEN, … set by whoever runs the tests).
PASSED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise RuntimeError("node is not on PATH: the tests run the real ZNYX server with it")
    return found


def base_env(**settings: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in PASSED_ENV if name in os.environ}
    env.update(settings)
    return env


def dying_with_this_process(command: list[str]) -> list[str]:
    """On Linux, the command gets SIGTERM should pytest die without running its finalizers (say
    by SIGKILL), so no server outlives its tests; util-linux's setpriv sets that before exec."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", *command] if setpriv else command


@dataclass
class ServerProcess:
    process: subprocess.Popen[str]
    url: str
    lines: collections.deque[str]
    reader: threading.Thread

    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)
        self.reader.join(STOP_TIMEOUT_S)


def start_server(database_url: str, **settings: str) -> ServerProcess:
    """Starts the server and waits for its ``listening`` line; kills it if it does not come."""
    process = subprocess.Popen(
        dying_with_this_process([node(), "--import", "tsx", "apps/server/src/main.ts"]),
        cwd=REPO_ROOT,
        env=base_env(HOST="127.0.0.1", PORT="0", DATABASE_URL=database_url, LOG_LEVEL="info", **settings),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: collections.deque[str] = collections.deque(maxlen=200)
    listening = threading.Event()
    found: dict[str, str] = {}

    def drain() -> None:
        # Read to the end: a full pipe would block the server's logging, and so the server.
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if not listening.is_set() and line.startswith("{"):
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if record.get("msg") == "listening" and isinstance(record.get("url"), str):
                    found["url"] = record["url"]
                    listening.set()
        process.stdout.close()
        listening.set()  # EOF: the process is gone

    reader = threading.Thread(target=drain, name="znyx-server-output", daemon=True)
    reader.start()
    listening.wait(START_TIMEOUT_S)
    if "url" not in found:
        server = ServerProcess(process, "", lines, reader)
        server.stop()
        raise RuntimeError(
            f"the ZNYX server did not log 'listening' within {START_TIMEOUT_S} s "
            f"(exit code {process.poll()}):\n{server.output()}"
        )
    return ServerProcess(process, found["url"], lines, reader)


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str

    def cli(self, *args: str) -> Any:
        """The operator CLI on the server's database; its one JSON object."""
        done = subprocess.run(
            [node(), "--import", "tsx", "apps/server/src/cli.ts", *args, "--json"],
            cwd=REPO_ROOT,
            env=base_env(DATABASE_URL=self.database_url),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
        )
        if done.returncode != 0:
            raise RuntimeError(f"znyx {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
        return json.loads(done.stdout)


@dataclass(frozen=True)
class Org:
    id: str
    name: str
    admin: str
    ci: str
    runtime: str


def make_org(server: Server, name: str) -> Org:
    created = server.cli("org", "create", "--name", name)
    tokens: Mapping[str, str] = {
        kind: server.cli("token", "create", "--org", created["id"], "--kind", kind)["token"]
        for kind in ("ci", "runtime")
    }
    return Org(id=created["id"], name=name, admin=created["token"], ci=tokens["ci"], runtime=tokens["runtime"])
