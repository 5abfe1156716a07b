"""Reference data that data migrations load (rule versions, official units, the 766 scheme,
petition topics) is loaded again whenever the database has been flushed.

`manage.py flush` — and the teardown of every transactional test — empties all tables and
then sends `post_migrate`, as Django does to recreate content types. Without this, a flushed
database would lose the official list of provinces and the rules in force. The list of
seeds is settings data (CCHC_REFERENCE_DATA), so core imports no app.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder


def ensure_reference_data(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    applied = MigrationRecorder(connection).applied_migrations()
    for model_label, module_path, function_name in getattr(settings, "CCHC_REFERENCE_DATA", []):
        # cchc.<app>.migrations.<name>: a seed whose migration has not run yet (a database
        # migrated part of the way) is left to that migration, which would otherwise find
        # the rows it loads already there
        *_, app, _folder, name = module_path.split(".")
        if (app, name) not in applied:
            continue
        try:
            model = global_apps.get_model(model_label)
            if model._default_manager.using(using).exists():
                continue
        except (LookupError, DatabaseError):
            continue  # app not installed or table not migrated yet
        seed = getattr(importlib.import_module(module_path), function_name)
        with connection.schema_editor(atomic=True) as schema_editor:
            seed(global_apps, schema_editor)
