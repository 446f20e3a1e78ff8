"""The README's two commands on a fresh machine: `make test` installs what its tests need,
and the README documents every setting config.py reads."""

import ast
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests import servers

ROOT = Path(__file__).resolve().parent.parent


def make_dry_run(*args: str, path: str | None = None) -> str:
    """What make would run (-n), as if nothing were installed yet (-B: every target is due)."""
    env = {**os.environ, "MAKEFLAGS": ""}
    if path:
        env["PATH"] = f"{path}:{env['PATH']}"
    result = subprocess.run(
        ["make", "-n", "-B", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def apt_installs(output: str) -> list[str]:
    """The Debian packages each `apt-get install` line installs, non-interactively and quietly."""
    packages = []
    for line in output.splitlines():
        for command in line.split("&&"):
            if "apt-get install" not in command:
                continue
            assert "DEBIAN_FRONTEND=noninteractive" in command, command
            assert "-qq" in command.split() and "-y" in command.split(), command
            packages.append(command.split()[-1])
    return packages


def test_make_test_installs_chromium_and_redis_server_the_tests_run():
    assert servers.REDIS_SERVER == "/usr/bin/redis-server"
    installs = apt_installs(make_dry_run("test", "SUDO="))
    assert "chromium" in installs
    assert "redis-server" in installs


def test_make_test_installs_through_sudo_when_not_root(tmp_path):
    fake_id = tmp_path / "id"  # a user that is not root, whoever runs the suite
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    output = make_dry_run("test", path=str(tmp_path))
    install_lines = [line for line in output.splitlines() if "apt-get install" in line]
    assert install_lines
    for line in install_lines:
        for command in line.split("&&"):
            assert command.strip().startswith("sudo "), command


@pytest.mark.parametrize("target", ["test", "test-postgres", "check-migrations"])
def test_make_test_postgres_installs_postgresql_when_initdb_is_missing(target):
    assert "postgresql" in apt_installs(make_dry_run(target, "PG_INITDB=", "SUDO="))


def test_make_test_postgres_leaves_an_installed_postgresql_alone():
    output = make_dry_run("test-postgres", "PG_INITDB=/usr/lib/postgresql/15/bin/initdb", "SUDO=")
    assert "postgresql" not in apt_installs(output)


# --- the README's configuration table -------------------------------------------------------


def environment_reads(path: Path) -> set[str]:
    """Names a Python file reads from the environment: os.environ.get/[]/getenv, _flag("...")."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            function = ast.unparse(node.func)
            readers = {"os.environ.get", "os.getenv", "_flag"}
            if function in readers and node.args and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


def readme_settings() -> set[str]:
    """The variables named in the first column of the README's configuration table."""
    section = (ROOT / "README.md").read_text().split("\n## Configuration\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def test_every_setting_read_from_the_environment_is_in_the_readme():
    sources = [ROOT / "config.py", ROOT / "gunicorn.conf.py", *ROOT.glob("app/**/*.py")]
    read = set().union(*(environment_reads(path) for path in sources))
    assert {"PUBLIC_BASE_URL", "MAIL_SENDER", "VIETQR_BANK_BIN", "MAIL_USE_TLS"} <= read
    assert sorted(read - readme_settings()) == []
