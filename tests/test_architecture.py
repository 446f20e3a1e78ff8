"""The package boundaries ARCHITECTURE.md describes, checked on the source itself."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_module_imports_another_blueprints_routes():
    """Only create_app (app/__init__.py) registers blueprints; nothing else reaches into
    another blueprint's routes: what two blueprints share lives in a service or view helper."""
    offenders = []
    for path in APP.rglob("*.py"):
        if path == APP / "__init__.py":
            continue
        package = path.relative_to(APP).parts[0]
        for name in imported_modules(path):
            parts = name.split(".")
            if (
                len(parts) >= 3
                and parts[0] == "app"
                and parts[2] == "routes"
                and parts[1] != package
            ):
                offenders.append(f"{path.relative_to(APP)} imports {name}")
    assert offenders == []
