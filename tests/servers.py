"""Throwaway PostgreSQL clusters and Redis servers for tests, `make test-postgres` and bench/.

Each one lives in a fresh temporary directory, listens on a free port of 127.0.0.1 (and, for
PostgreSQL, on a unix socket in that directory), and is stopped and deleted afterwards, also
when the code using it fails. Nothing here needs a running service or touches the system's.

    .venv/bin/python -m tests.servers postgres -- .venv/bin/pytest -q
    .venv/bin/python -m tests.servers redis -- some command

runs the command with DATABASE_URL (or REDIS_URL) pointing at the throwaway server and exits
with the command's status.
"""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _postgres_bin() -> Path:
    """Debian's server binaries, of the newest major version installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = Path(os.environ.get("PG_BIN") or _postgres_bin())
REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
PG_USER = "chohtx"
# Durability is worth nothing for a cluster deleted after the run; speed is.
PG_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> bool:
    return (PG_BIN / "initdb").exists()


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` system user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _wait_for(predicate, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start within {seconds:.0f} s")
        time.sleep(0.05)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PostgresCluster:
    """A throwaway cluster that a test may stop, start and restart (a database restart)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="chohtx-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.port = free_port()
        self.running = False
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.root.chmod(0o755)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/chohtx"

    def create(self) -> "PostgresCluster":
        subprocess.run(
            _as_server_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    PG_USER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.start()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", str(self.root), "-p", str(self.port), "-U", PG_USER]
            + ["chohtx"],
            check=True,
        )
        return self

    def _pg_ctl(self, *args: str, check: bool = True) -> None:
        subprocess.run(
            _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
            stdout=subprocess.DEVNULL,
            check=check,
        )

    def start(self) -> None:
        options = " ".join(
            [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1"]
            + [f"-c {key}={value}" for key, value in PG_SETTINGS.items()]
        )
        self._pg_ctl("-l", str(self.log), "-o", options, "-w", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session (their transactions roll back); `immediate` is a crash."""
        self._pg_ctl("-m", mode, "-w", "stop", check=False)
        self.running = False

    def delete(self) -> None:
        if self.running:
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A new PostgreSQL cluster with an empty `chohtx` database; yields its SQLAlchemy URL."""
    with postgres_server() as cluster:
        yield cluster.url


@contextmanager
def postgres_server() -> Iterator[PostgresCluster]:
    """The same, as an object with stop(), start() and port."""
    cluster = PostgresCluster()
    try:
        yield cluster.create()
    finally:
        cluster.delete()


class RedisServer:
    """A redis-server without persistence that a test may stop and start on the same port."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="chohtx-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process = self.process
        _wait_for(lambda: _accepts(self.port) or process.poll() is not None, "redis-server")
        if process.poll() is not None:
            raise RuntimeError("redis-server exited at start")
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def delete(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A new redis-server without persistence; yields its redis:// URL."""
    with redis_process() as server:
        yield server.url


@contextmanager
def redis_process() -> Iterator[RedisServer]:
    """The same, as an object with stop() and start()."""
    server = RedisServer()
    try:
        yield server.start()
    finally:
        server.delete()


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in {"postgres", "redis"} or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    kind, command = argv[0], argv[2:]
    server, variable = (
        (postgres_cluster, "DATABASE_URL") if kind == "postgres" else (redis_server, "REDIS_URL")
    )
    with server() as url:
        print(f"{variable}={url}", file=sys.stderr)
        return subprocess.run(command, env={**os.environ, variable: url}, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
