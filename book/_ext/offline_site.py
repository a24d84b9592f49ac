"""Sphinx extension: keep the built site free of network references.

Jupyter Book 1 always loads ``sphinx_thebe``, which writes the address of the
thebe bundle on a public CDN into every page even when no "live code" button
is configured.  This book has no launch buttons, so the thebe scripts are
dropped from every page; the site then references no CDN at all (the browser
test checks this).
"""

from __future__ import annotations

from typing import Any


def _is_thebe(script: Any) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "thebe" in str(script) or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def setup(app):
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
