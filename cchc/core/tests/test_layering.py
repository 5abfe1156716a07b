"""The dependency rules that import-linter cannot see (`lint-imports` checks the imports
themselves, see [tool.importlinter] in pyproject.toml):

- no view or API handler writes a model: every write is a service function (locked, evented);
- every app is named in the "core imports no app" contract, so a new app cannot slip past it.
"""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(settings.BASE_DIR)

# Calls that only the ORM makes: always a write.
ORM_ONLY_WRITES = {"bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Manager/QuerySet writes whose names are common elsewhere (dict.update, factory.create):
# a write when called on an ORM chain, or with keyword arguments only (the ORM's signature;
# dict.update takes a mapping).
MANAGER_WRITES = {"create", "update"}
# Instance and QuerySet writes (`obj.save()`, `form.save()` of a ModelForm, `qs.delete()`):
# a write when called without positional arguments. Model.save() takes none (positional
# arguments were deprecated in Django 5.1), while `image.save(buffer)` (Pillow) or
# `cache.delete(key)` take one.
INSTANCE_WRITES = {"save", "delete"}
# Attributes and calls that make a receiver an ORM chain.
MANAGERS = {"objects", "_default_manager", "_base_manager"}
QUERYSET_METHODS = {
    "all",
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "order_by",
    "annotate",
    "only",
    "defer",
    "using",
    "distinct",
    "select_for_update",
    "none",
}

# receiver (as written) -> why it is not a model write
ALLOWED = {
    "request.session": "Django's session store (cycling the key at sign-in), not a domain model",
}


def _is_orm_chain(node: ast.expr) -> bool:
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr in MANAGERS or node.attr.endswith("_set"):
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in QUERYSET_METHODS:
                return True
            node = func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return False


def model_writes(source: str, filename: str = "<source>") -> list[str]:
    """Every call in `source` that writes a model, as 'file:line receiver.method(...)'."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, node.func.value
        positional = bool(node.args)
        if method in ORM_ONLY_WRITES:
            write = True
        elif method in MANAGER_WRITES:
            write = _is_orm_chain(receiver) or (not positional and bool(node.keywords))
        elif method in INSTANCE_WRITES:
            write = _is_orm_chain(receiver) or not positional
        else:
            write = False
        if write and ast.unparse(receiver) not in ALLOWED:
            found.append(f"{filename}:{node.lineno} {ast.unparse(receiver)}.{method}(...)")
    return found


def _module_file(module_name: str) -> Path | None:
    if not module_name.startswith(("cchc.", "config.")):
        return None
    spec = importlib.util.find_spec(module_name)
    return Path(spec.origin) if spec and spec.origin else None


def _url_handler_modules(patterns: list, found: set[str]) -> None:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _url_handler_modules(entry.url_patterns, found)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            view_class = getattr(callback, "view_class", None)
            found.add((view_class or callback).__module__)


def handler_modules() -> list[Path]:
    """Modules holding views or API handlers: every app's views and api modules, config/api.py,
    and the module of every URL's callback (e.g. the Open311 server)."""
    files = {
        *ROOT.glob("cchc/*/views.py"),
        *ROOT.glob("cchc/*/views/**/*.py"),
        *ROOT.glob("cchc/*/api.py"),
        ROOT / "config" / "api.py",
    }
    modules: set[str] = set()
    _url_handler_modules(get_resolver().url_patterns, modules)
    files |= {f for f in map(_module_file, modules) if f is not None}
    return sorted(f for f in files if f.exists() and "tests" not in f.parts)


def test_views_and_api_handlers_do_not_write_models():
    modules = handler_modules()
    names = {str(f.relative_to(ROOT)) for f in modules}
    # the scan sees what it must: the views, the API routers, the Open311 server
    assert {
        "cchc/dossiers/views.py",
        "cchc/dossiers/api.py",
        "config/api.py",
        "cchc/feedback/open311.py",
    } <= names
    writes = [
        w
        for f in modules
        for w in model_writes(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))
    ]
    assert writes == [], "move these writes into a service function:\n" + "\n".join(writes)


@pytest.mark.parametrize(
    "source",
    [
        "Petition.objects.create(title='x')",
        "Petition.objects.filter(pk=1).update(status=2)",
        "Model._default_manager.bulk_create(rows)",
        "Client.objects.get_or_create(name='x')",
        "dossier.save()",
        "dossier.save(update_fields=['status'])",
        "form.save()",
        "qs.delete()",
        "dossier.document_set.create(name='x')",
        "queryset.update(status=3)",
        "Agency.objects.all()[0].delete()",
    ],
)
def test_the_scan_finds_model_writes(source):
    assert len(model_writes(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "request.session.save()",
        "image.save(buffer)",
        "cache.delete(key)",
        "cache.set(key, value, 60)",
        "data.update(other)",
        "Petition.objects.filter(pk=1).exists()",
        "services.file_petition(petition, actor=user)",
    ],
)
def test_the_scan_leaves_reads_and_other_objects_alone(source):
    assert model_writes(source) == []


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


def test_every_app_is_in_the_core_contract():
    """A new app added to cchc/ must be listed in the "core imports no app" contract."""
    forbidden = set(_contract("core-imports-no-app")["forbidden_modules"])
    packages = {
        f"cchc.{p.name}"
        for p in (ROOT / "cchc").iterdir()
        if (p / "__init__.py").exists() and p.name != "core"
    }
    modules = {f"cchc.{p.stem}" for p in (ROOT / "cchc").glob("*.py") if p.stem != "__init__"}
    missing = (packages | modules) - forbidden
    assert not missing, f"add {sorted(missing)} to forbidden_modules of core-imports-no-app"


# none pending: feedback's write modules (petitions, complaints, reception, intake) and the
# indices' (refresh, rebuild, scoring, fact_store, summaries) are listed by name
TYPE_GATE_PENDING: set[str] = set()


def test_every_services_and_state_module_is_type_checked():
    """`make test` runs mypy over [tool.mypy] files: a new services.py or state.py must be
    named there (or lie in a listed folder), so the type gate covers every write path."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    gated = config["tool"]["mypy"]["files"]
    modules = {
        str(p.relative_to(ROOT))
        for pattern in ("cchc/*/services.py", "cchc/*/state.py", "cchc/*/*/services.py")
        for p in ROOT.glob(pattern)
    }
    missing = {
        m
        for m in modules - TYPE_GATE_PENDING
        if not any(m == g or m.startswith(g.rstrip("/") + "/") for g in gated)
    }
    assert not missing, f"add {sorted(missing)} to [tool.mypy] files and fix their errors"
