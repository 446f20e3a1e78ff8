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


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A new PostgreSQL cluster with an empty `chohtx` database; yields its SQLAlchemy URL."""
    root = Path(tempfile.mkdtemp(prefix="chohtx-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
    root.chmod(0o755)
    port = free_port()
    started = False
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
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
        options = " ".join(
            [f"-p {port}", f"-k {root}", "-c listen_addresses=127.0.0.1"]
            + [f"-c {key}={value}" for key, value in PG_SETTINGS.items()]
        )
        subprocess.run(
            _as_server_user(
                [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w"]
                + ["start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", str(root), "-p", str(port), "-U", PG_USER, "chohtx"],
            check=True,
        )
        yield f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/chohtx"
    finally:
        if started:
            subprocess.run(
                _as_server_user(
                    [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                stdout=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """A new redis-server without persistence; yields its redis:// URL."""
    root = Path(tempfile.mkdtemp(prefix="chohtx-redis-"))
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--dir", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: _accepts(port) or process.poll() is not None, "redis-server")
        if process.poll() is not None:
            raise RuntimeError("redis-server exited at start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


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
