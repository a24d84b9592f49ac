"""Sphinx extension: the ``xentbook-api`` directive behind the Reference pages.

``.. xentbook-api:: xentbook.information`` documents a module of the package:
its docstring, then every name of its ``__all__`` (so a page can never miss a
public name), each under the namespace the chapters import it from
(``:namespace:``, default ``xentbook``, the top-level re-export).  Autodoc adds
the defining module as the ``:canonical:`` name, so both
``xentbook.entropy`` and ``xentbook.information.entropy`` are link targets
(autodoc does this itself only for classes; this directive registers the alias
for every documented object).  Constants are documented in their defining module
(where their ``#:`` comment is) and aliased under the namespace.
"""

from __future__ import annotations

import importlib
import inspect

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if callable(obj):
        return "function"
    return "data"


def api_lines(module_name: str, namespace: str) -> list[str]:
    """The reST that documents ``module_name``'s public names under ``namespace``."""
    module = importlib.import_module(module_name)
    names = list(getattr(module, "__all__", []))
    if not names:
        raise ValueError(f"{module_name} has no __all__: nothing to document")
    lines = [f".. automodule:: {module_name}", "   :no-members:", ""]
    for name in names:
        obj = getattr(module, name)
        kind = _kind(obj)
        home = module_name if kind == "data" else namespace
        lines.append(f".. auto{kind}:: {home}.{name}")
        if kind in ("class", "exception"):
            lines.append("   :members:")
            # scikit-learn generates set_<method>_request (metadata routing) on every estimator
            routing = sorted(n for n in vars(obj) if n.startswith("set_") and n.endswith("_request"))
            if routing:
                lines.append(f"   :exclude-members: {', '.join(routing)}")
        elif kind == "data":
            lines.append("   :no-value:")
        lines.append("")
    return lines


class XentbookApi(SphinxDirective):
    required_arguments = 1
    option_spec = {"namespace": directives.unchanged}
    has_content = False

    def run(self) -> list[nodes.Node]:
        namespace = self.options.get("namespace", "xentbook")
        # The pages are MyST markdown, whose nested parser reads markdown: wrap the reST
        # (autodoc's output is reST too) in an eval-rst block.
        lines = ["````{eval-rst}", *api_lines(self.arguments[0], namespace), "````"]
        node = nodes.container()
        nested_parse_with_titles(self.state, StringList(lines, source=f"<xentbook-api {self.arguments[0]}>"), node)
        self._register_aliases(node, self.arguments[0], namespace)
        return node.children

    def _register_aliases(self, node: nodes.Element, module_name: str, namespace: str) -> None:
        """Make ``<module>.<name>`` and ``<namespace>.<name>`` both resolve, to the one entry."""
        domain = self.env.get_domain("py")
        for sig in node.findall(addnodes.desc_signature):
            module, fullname = sig.get("module"), sig.get("fullname")
            if not module or not fullname or not sig["ids"]:
                continue
            other = {namespace: module_name, module_name: namespace}.get(module)
            if other is None or other == module:
                continue
            if f"{other}.{fullname}" in domain.objects:  # autodoc's own :canonical: (classes)
                continue
            objtype = sig.parent.get("objtype")
            domain.note_object(f"{other}.{fullname}", objtype, sig["ids"][0], aliased=True, location=sig)


def setup(app):
    app.add_directive("xentbook-api", XentbookApi)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
