"""Browser-like helpers for tests that post CKAN's web forms (with CSRF)."""
from __future__ import annotations

from typing import Any

import lxml.html

PASSWORD = "shafaf-test-1403"


def form_of(page: Any, url: str, form_id: str | None = None) -> tuple[str, dict[str, Any]]:
    """Where and what a browser would submit from a form of ``page``.

    The form is ``form_id``, else the one with a password field; an empty
    action posts back to ``url``, as browsers do.
    """
    tree = lxml.html.fromstring(page.body)
    form = tree.get_element_by_id(form_id) if form_id else next(
        f for f in tree.forms if "password" in f.fields)
    return form.get("action") or url, dict(form.form_values())


def logged_in_client(app: Any, user: dict[str, Any]) -> Any:
    """A browser-like client logged in through the login form (with CSRF)."""
    client = app.test_client()
    action, fields = form_of(client.get("/user/login"), "/user/login")
    assert fields.get("_csrf_token")
    fields.update(login=user["name"], password=PASSWORD)
    client.post(action, data=fields)
    assert user["name"] in client.get("/dashboard/datasets").body
    return client
