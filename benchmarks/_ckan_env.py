"""Start a CKAN environment on a dedicated benchmark database.

Benchmarks never touch the demo site's or the tests' databases: each one
names its own database, created here if missing, with CKAN's and our
migrations applied.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from typing import Iterator

import sqlalchemy as sa

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]


def ensure_database(name: str, fresh: bool) -> None:
    if fresh:
        subprocess.run(["dropdb", *PG, "--if-exists", name], check=True)
    exists = subprocess.run(
        ["psql", *PG, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        check=True, capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run(["createdb", *PG, "-E", "UTF8", name], check=True)


def write_ini(database: str, redis_db: int) -> str:
    with open(os.path.join(REPO, "test.ini"), encoding="utf-8") as f:
        logging_part = f.read().split("[loggers]", 1)[1]
    handle, path = tempfile.mkstemp(suffix=".ini", dir=HERE)
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        f.write(
            "[app:main]\n"
            f"use = config:{os.path.join(REPO, 'test.ini')}\n"
            f"sqlalchemy.url = postgresql://postgres@127.0.0.1:5432/{database}\n"
            f"ckan.redis.url = redis://127.0.0.1:6379/{redis_db}\n"
            "\n[loggers]" + logging_part.replace("level = INFO", "level = WARN"))
    return path


@contextlib.contextmanager
def ckan_app(database: str, redis_db: int = 7, fresh: bool = True) -> Iterator[None]:
    """A loaded CKAN (our plugin on) inside a request context."""
    ensure_database(database, fresh)
    ini = write_ini(database, redis_db)
    try:
        from ckan.cli import load_config
        from ckan.config.middleware import make_app
        import ckan.model as model
        from ckanext.shafaf.testing import upgrade_shafaf_db

        conf = load_config(ini)
        app = make_app(conf)

        def conf_dict():
            return {k: v for k, v in conf.items() if k.startswith("sqlalchemy.")}
        flask_app = getattr(app, "apps", {}).get("flask_app", app)._wsgi_app
        with flask_app.test_request_context():
            model.repo.init_db()
            upgrade_shafaf_db()
            # CKAN's migrations leave a NullPool engine behind; `ckan run`
            # would have a pooled one, so measure with that.
            model.init_model(sa.engine_from_config(conf_dict(), pool_pre_ping=True))
            yield
    finally:
        os.unlink(ini)
