"""Our list template keeps the markup Flask-Admin's list scripts rely on.

``templates/admin/model/backoffice_list.html`` writes Flask-Admin's bootstrap4 list page itself
(it does not import Flask-Admin's macros), but it still loads Flask-Admin's scripts:
``bs4_filters.js`` (the filters), ``actions.js`` (bulk actions, select all) and ``form.js``
(select2, date pickers). Those scripts find their elements by ids, classes, names and data
attributes. If a Flask-Admin upgrade changes that markup in its own ``admin/model/list.html``
(and its scripts with it), our template would silently keep the old one and the filters or
bulk actions would stop working in the browser, with no server-side error.

So this contract test reads the selectors from the installed scripts themselves (string
arguments of ``$(…)``, ``.find(…)``, ``.closest(…)``…, and the selectors passed to a script's
constructor), renders the same list, in the same state, once with our template and once with
Flask-Admin's, and requires ours to have, for every selector, the same elements: same tag, same
count (so per row where it is per row), and the attributes the scripts or the server read (id,
name, type, value, data-*, form method and action, the classes the scripts select by).

What our template changes on purpose is not compared, because no script reads it: aria-*
attributes, the filter buttons placed after the filter table, the pager (tests/test_pager.py),
``href="#"`` controls and ``data-model-action`` instead of inline handlers (the
Content-Security-Policy runs none; static/js/app.js wires them, and a test below checks that
the names match).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import flask_admin
import pytest

from backoffice.admin.links import filter_key, find_view
from backoffice.extensions import db
from backoffice.models import Comment, Post, User
from backoffice.web.assets import bundle_files, bundle_urls

FLASK_ADMIN = Path(flask_admin.__file__).parent
SCRIPT_DIR = FLASK_ADMIN / "static" / "admin" / "js"
TEMPLATES = FLASK_ADMIN / "templates" / "bootstrap4" / "admin"
#: The scripts of Flask-Admin's list page whose selectors our markup must satisfy.
SCRIPTS = ("bs4_filters.js", "actions.js", "form.js")
#: Our bundles of Flask-Admin's scripts (backoffice/web/assets.py), opened to compare.
BUNDLES = ("admin_js", "list_js", "form_js")
APP_JS = Path(__file__).resolve().parent.parent / "static" / "js" / "app.js"

# -- reading the selectors out of the scripts ------------------------------------------------
_STRING = r"""(?P<q>['"])(?P<sel>(?:\\.|(?!(?P=q)).)*)(?P=q)"""
#: ``$('sel')``, ``$('sel', context)``, ``x.find('sel')``, ``x.closest('sel')``…
_CALL = re.compile(
    r"(?P<fn>\$|\.find|\.closest|\.children|\.parents|\.siblings)\(\s*"
    + _STRING
    + r"\s*(?:,\s*(?P<ctx>[$\w.]+)\s*)?\)"
)
#: ``$(x).on('click', 'sel', …)``: a delegated handler, found anywhere in the page.
_DELEGATED = re.compile(r"\.on\(\s*['\"][^'\"]*['\"]\s*,\s*" + _STRING)
#: ``new AdminFilters('#filter_form', '.field-filters', …)``: the selectors a script is given.
_NEW = re.compile(r"new\s+(?P<name>\w+)\(\s*(?P<args>(?:(['\"])[^'\"]*\3\s*,\s*)+)")
#: ``var AdminFilters = function(element, filtersElement, …)``: a constructor's parameters.
_CONSTRUCTOR = re.compile(r"var\s+(?P<name>\w+)\s*=\s*function\s*\((?P<params>[^)]*)\)")
#: ``var $root = $(element);`` / ``var form = $('#action_form');``: a context's selector.
_ALIAS = re.compile(r"var\s+(?P<alias>\$?\w+)\s*=\s*\$\(\s*(?P<arg>\w+|'[^']*'|\"[^\"]*\")\s*\);")
#: ``$('sel').text()``: an element whose text a script parses (JSON data).
_TEXT_READ = re.compile(r"\$\(\s*" + _STRING + r"\s*\)\.text\(\)")
#: ``$('sel', ctx).click(function() { … $(this).text()``: a clicked element's text is read.
_CLICKED_TEXT = re.compile(
    r"\$\(\s*" + _STRING + r"\s*(?:,\s*(?P<ctx>[$\w.]+)\s*)?\)\s*\.(?:click|change|on)\("
    r"[^{]*\{[^}]*?\$\(this\)\.text\(\)"
)

#: Contexts the scripts pass that cannot be read from their source: ``""`` is the whole page,
#: None a context that never is on a list page (checked: any other name fails the suite).
UNDERIVED_CONTEXTS: dict[str, str | None] = {
    "document": "",
    # form.js: applyGlobalStyles(parent) runs on the document when the page loads (and on a new
    # inline form, which list pages have none of).
    "parent": "",
    # form.js: the template of an inline form (edit pages only).
    "$template": None,
}
#: jQuery pseudo-classes that only say which of the elements (state, position) a script
#: wants at run time: the page must still have the elements.
STATE_PSEUDOS = {"checked", "selected", "focus", "first", "last", "visible", "hidden"}
INPUT_TAGS = {"input", "select", "textarea", "button"}


@dataclass(frozen=True)
class Use:
    """A selector one of Flask-Admin's scripts uses, and how."""

    script: str
    selector: str  # as the script wrote it
    context: str | None = None  # the context's JS name, for $('sel', ctx)
    relative: bool = False  # .find/.closest/…: relative to an element found or created first
    reads_text: bool = False


@dataclass
class Contract:
    """Everything the scripts select: uses, and the page-level selector of each comparison."""

    uses: list[Use] = field(default_factory=list)
    contexts: dict[str, str | None] = field(default_factory=dict)

    def page_selectors(self) -> dict[str, Use]:
        """Each use as a selector over the whole page (context folded in); uses relative to an
        element a script creates or finds first, and naming only a tag, are left out: the
        element they start from is compared through its own selector."""
        found: dict[str, Use] = {}
        for use in self.uses:
            selector = strip_state(use.selector.lstrip("> "))
            if use.context is not None:
                if use.context not in self.contexts:
                    raise LookupError(
                        f"{use.script} selects {use.selector!r} within {use.context}, which "
                        "this test cannot resolve: add it to UNDERIVED_CONTEXTS"
                    )
                prefix = self.contexts[use.context]
                if prefix is None:  # a context that is never on a list page
                    continue
                if prefix:
                    selector = f"{prefix} {selector}"
            elif use.relative and not is_specific(selector):
                continue
            if not selector:
                continue
            known = found.get(selector)
            if known is None or (use.reads_text and not known.reads_text):
                found[selector] = use
        return found

    def classes(self) -> set[str]:
        """Every class name a script selects by (created elements' classes included)."""
        return {name for use in self.uses for name in re.findall(r"\.([\w-]+)", use.selector)}


def is_specific(selector: str) -> bool:
    """True if the selector names an id, class or attribute (not only tags)."""
    return bool(re.search(r"[#.\[]", selector))


def strip_state(selector: str) -> str:
    return re.sub(r":(?:{})\b".format("|".join(STATE_PSEUDOS)), "", selector).strip()


def read_contract() -> Contract:
    """The selectors of the installed Flask-Admin's list scripts, read from their source."""
    contract = Contract(contexts=dict(UNDERIVED_CONTEXTS))
    for script in SCRIPTS:
        source = (SCRIPT_DIR / script).read_text(encoding="utf-8")
        source = re.sub(r"^\s*//.*$", "", source, flags=re.M)  # comments are not code
        params = {
            m["name"]: [p.strip() for p in m["params"].split(",")]
            for m in _CONSTRUCTOR.finditer(source)
        }
        for m in _NEW.finditer(source):
            args = [a[1:-1] for a in re.findall(r"'[^']*'|\"[^\"]*\"", m["args"])]
            for param, arg in zip(params.get(m["name"], []), args, strict=False):
                contract.contexts[param] = arg
            contract.uses += [Use(script, arg) for arg in args]
        for m in _ALIAS.finditer(source):
            arg = m["arg"]
            target = arg[1:-1] if arg[0] in "'\"" else contract.contexts.get(arg)
            if target is not None and not target.startswith("<"):  # not $('<div>')
                contract.contexts[m["alias"]] = target
        text_read = {m["sel"] for m in _TEXT_READ.finditer(source)}
        clicked = {(m["sel"], m["ctx"]) for m in _CLICKED_TEXT.finditer(source)}
        for m in _CALL.finditer(source):
            selector = m["sel"]
            if selector.lstrip().startswith("<"):  # $('<tr …/>'): creates an element
                continue
            context = m["ctx"] if m["fn"] == "$" else None
            contract.uses.append(
                Use(
                    script,
                    selector,
                    context=context,
                    relative=m["fn"] != "$",
                    reads_text=selector in text_read or (selector, context) in clicked,
                )
            )
        contract.uses += [Use(script, m["sel"]) for m in _DELEGATED.finditer(source)]
    return contract


# -- a small DOM and selector engine (the standard library only) ---------------------------
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None
    order: int
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Page(HTMLParser):
    """An HTML page as a tree of :class:`Node` (tags and attributes as the browser reads
    them; entities decoded)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None, 0)
        self.nodes: list[Node] = []
        self._open = [self.root]
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self._open[-1], len(self.nodes) + 1)
        self._open[-1].children.append(node)
        self.nodes.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._open[-1].children.append(data)

    def select(self, selector: str) -> list[Node]:
        """The elements matching a (jQuery) selector, in document order."""
        groups = [parse_selector(s) for s in split_groups(selector)]
        return [n for n in self.nodes if any(matches(n, g) for g in groups)]

    def script(self, name: str) -> Node | None:
        """The ``<script>`` that loads Flask-Admin's ``admin/js/<name>``."""
        for node in self.nodes:
            src = node.attrs.get("src", "").split("?")[0]
            if node.tag == "script" and src.endswith(f"/admin/js/{name}"):
                return node
        return None


_COMPOUND = re.compile(
    r"(?P<tag>\*|[a-zA-Z][\w-]*)?(?P<rest>(?:#[\w-]+|\.[\w-]+|\[[^\]]+\]|:[\w-]+)*)"
)
_PART = re.compile(r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)|\[(?P<attr>[^\]]+)\]|:(?P<pseudo>[\w-]+)")


def split_groups(selector: str) -> list[str]:
    return [s.strip() for s in selector.split(",") if s.strip()]


def parse_selector(selector: str) -> list[tuple[str, dict]]:
    """``'#filter_form .filters tr'`` as [(combinator, compound), …], right-most last.
    Anything this small engine does not know fails loudly, rather than matching nothing."""
    steps: list[tuple[str, dict]] = []
    combinator = " "
    for token in re.findall(r">|[^\s>]+", selector.strip()):
        if token == ">":
            combinator = ">"
            continue
        m = _COMPOUND.fullmatch(token)
        if not m or not token:
            raise ValueError(f"selector {selector!r}: cannot read {token!r}")
        compound: dict = {"tag": m["tag"], "ids": [], "classes": [], "attrs": [], "tags": None}
        for part in _PART.finditer(m["rest"]):
            if part["id"]:
                compound["ids"].append(part["id"])
            elif part["cls"]:
                compound["classes"].append(part["cls"])
            elif part["attr"]:
                name, _eq, value = part["attr"].partition("=")
                compound["attrs"].append((name.strip(), value.strip("'\"") if _eq else None))
            elif part["pseudo"] == "input":
                compound["tags"] = INPUT_TAGS
            elif part["pseudo"] not in STATE_PSEUDOS:
                raise ValueError(f"selector {selector!r}: unknown pseudo-class :{part['pseudo']}")
        steps.append((combinator, compound))
        combinator = " "
    return steps


def _matches_compound(node: Node, c: dict) -> bool:
    if c["tag"] not in (None, "*") and node.tag != c["tag"].lower():
        return False
    if c["tags"] is not None and node.tag not in c["tags"]:
        return False
    if any(node.attrs.get("id") != i for i in c["ids"]):
        return False
    if not set(c["classes"]) <= set(node.classes):
        return False
    return all(
        name in node.attrs and (value is None or node.attrs[name] == value)
        for name, value in c["attrs"]
    )


def matches(node: Node, steps: list[tuple[str, dict]]) -> bool:
    combinator, compound = steps[-1]
    if node.tag.startswith("#") or not _matches_compound(node, compound):
        return False
    if len(steps) == 1:
        return True
    rest = steps[:-1]
    if combinator == ">":
        return node.parent is not None and matches(node.parent, rest)
    return any(matches(a, rest) for a in node.ancestors())


# -- comparing the two pages --------------------------------------------------------------
#: Attributes scripts or the server read off the elements the scripts select (data-* too).
READ_ATTRIBUTES = ("id", "name", "type", "value", "form", "method", "action")


def read_attributes(node: Node, script_classes: set[str]) -> dict[str, str]:
    """What a script (or the server, for a form it submits) reads of an element."""
    read = {k: v for k, v in node.attrs.items() if k in READ_ATTRIBUTES or k.startswith("data-")}
    if read.get("name") == "csrf_token" and "value" in read:
        read["value"] = "<a CSRF token>" if read["value"] else ""  # a fresh one per request
    classes = sorted(set(node.classes) & script_classes)
    return {"class": " ".join(classes), **read} if classes else read


def describe(node: Node, script_classes: set[str]) -> str:
    attrs = "".join(f" {k}={v!r}" for k, v in read_attributes(node, script_classes).items())
    return f"<{node.tag}{attrs}>"


def inline_handler_kept(upstream: Node, ours: Node) -> bool:
    """Upstream's inline handler (``onclick="return false;"``, a ``javascript:`` link) is, in
    ours, a control app.js handles: ``href="#"`` (never navigates) or the same handler."""
    handler = upstream.attrs.get("onclick")
    if handler is None or ours.attrs.get("onclick") == handler:
        return True
    if handler.strip() in ("return false;", "return false"):
        return ours.tag == "a" and ours.attrs.get("href") == "#"
    return False


def text_value(node: Node) -> object:
    """An element's text as a script reads it: parsed if it is JSON, else trimmed."""
    text = node.text()
    try:
        return json.loads(text)
    except ValueError:
        return text.strip()


def text_difference(upstream: object, ours: object) -> str:
    """What differs between two parsed texts, briefly (the keys, for JSON objects)."""
    if isinstance(upstream, dict) and isinstance(ours, dict):
        parts = [
            f"{label} {sorted(keys)}"
            for label, keys in (
                ("only Flask-Admin's list.html has the keys", upstream.keys() - ours.keys()),
                ("only ours has the keys", ours.keys() - upstream.keys()),
                (
                    "the values differ for",
                    {k for k in upstream.keys() & ours.keys() if upstream[k] != ours[k]},
                ),
            )
            if keys
        ]
        return "; ".join(parts)
    return f"Flask-Admin's list.html has {upstream!r}; ours has {ours!r}"


def compare_page(contract: Contract, upstream: Page, ours: Page) -> list[str]:
    """Every difference the scripts would see, as sentences; empty if none."""
    classes = contract.classes()
    problems: list[str] = []
    for selector, use in contract.page_selectors().items():
        theirs, mine = upstream.select(selector), ours.select(selector)
        who = f"{selector!r}, which {use.script} uses"
        if len(theirs) != len(mine):
            what = describe((theirs or mine)[0], classes)
            problems.append(
                f"Flask-Admin's list.html has {len(theirs) or 'no'} {what} for {who}; "
                f"ours has {len(mine) or 'none'}"
            )
            continue
        found: list[str] = []
        for index, (u, o) in enumerate(zip(theirs, mine, strict=True)):
            where = f"{who} (element {index + 1} of {len(theirs)})"
            if u.tag != o.tag or any(
                o.attrs.get(k) != v and not (k == "value" and u.attrs.get("name") == "csrf_token")
                for k, v in read_attributes(u, classes).items()
                if k != "class"
            ):
                found.append(
                    f"Flask-Admin's list.html has {describe(u, classes)} for {where}; "
                    f"ours has {describe(o, classes)}"
                )
            missing = set(u.classes) & classes - set(o.classes)
            if missing and u.tag == o.tag:
                found.append(
                    f"Flask-Admin's list.html has class {' '.join(sorted(missing))!r} on "
                    f"{describe(u, classes)} for {where}; ours has not"
                )
            if not inline_handler_kept(u, o):
                found.append(
                    f"Flask-Admin's list.html has onclick={u.attrs['onclick']!r} on "
                    f"{describe(u, classes)} for {where}; ours neither has it nor is an "
                    f'a[href="#"] control that app.js handles'
                )
            if use.reads_text and text_value(u) != text_value(o):
                found.append(
                    f"{use.script} reads the text of {selector!r}: "
                    + text_difference(text_value(u), text_value(o))
                )
        if len(found) > 1:  # the same difference on every row: say it once
            found = [f"{found[0]} (and {len(found) - 1} more like it)"]
        problems += found
    return problems


def submitted_fields(page: Page, form: Node) -> Counter:
    """The (name, value) pairs a form submits: its named inputs, and those with form=<id>."""
    form_id = form.attrs.get("id")
    pairs: Counter = Counter()
    for node in page.nodes:
        inside = form in node.ancestors() and "form" not in node.attrs
        if (
            node.tag in ("input", "select", "textarea")
            and "name" in node.attrs
            and (inside or (form_id and node.attrs.get("form") == form_id))
        ):
            value = node.attrs.get("value", "")
            if node.attrs["name"] == "csrf_token":
                value = "<a CSRF token>" if value else ""
            pairs[(node.attrs["name"], value)] += 1
    return pairs


def compare_forms(contract: Contract, upstream: Page, ours: Page) -> list[str]:
    """The forms the scripts select and submit send what upstream's send (ours may add)."""
    problems: list[str] = []
    for selector, use in contract.page_selectors().items():
        theirs = [n for n in upstream.select(selector) if n.tag == "form"]
        mine = [n for n in ours.select(selector) if n.tag == "form"]
        for u, o in zip(theirs, mine, strict=False):
            lacking = submitted_fields(upstream, u) - submitted_fields(ours, o)
            if lacking:
                fields = ", ".join(f"{n}={v!r}" for n, v in sorted(lacking))
                problems.append(
                    f"Flask-Admin's form {selector!r} ({use.script} submits it) sends {fields}; "
                    f"ours does not"
                )
            for attribute in ("method", "action"):
                if (u.attrs.get(attribute) or "").upper() != (o.attrs.get(attribute) or "").upper():
                    problems.append(
                        f"Flask-Admin's form {selector!r} ({use.script}) has {attribute}="
                        f"{u.attrs.get(attribute)!r}; ours has {o.attrs.get(attribute)!r}"
                    )
    return problems


def compare_load_order(contract: Contract, upstream: Page, ours: Page) -> list[str]:
    """What a script selects that upstream puts before the script's tag (the data it parses
    as soon as it loads) comes before that tag in ours too."""
    problems: list[str] = []
    classes = contract.classes()
    for selector, use in contract.page_selectors().items():
        theirs_script, our_script = upstream.script(use.script), ours.script(use.script)
        if theirs_script is None or our_script is None:
            continue
        for u, o in zip(upstream.select(selector), ours.select(selector), strict=False):
            if u.order < theirs_script.order and o.order > our_script.order:
                problems.append(
                    f"Flask-Admin's list.html puts {describe(u, classes)} ({selector!r}) before "
                    f"{use.script}, which may read it as it loads; ours puts it after"
                )
    return problems


def flask_admin_scripts(page: Page) -> list[str]:
    """Flask-Admin's static scripts the page loads, in order (without version queries)."""
    return [
        n.attrs["src"].split("?")[0]
        for n in page.nodes
        if n.tag == "script" and "/admin/static/" in n.attrs.get("src", "")
    ]


def flask_admin_base_scripts() -> list[str]:
    """The scripts Flask-Admin's own base template loads on every page, read from it (our
    base template, which both renders use, loads them as one bundle)."""
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    block = base.split("{% block tail_js %}")[1].split("{% endblock %}")[0]
    return [f"/admin/static/{name}" for name in re.findall(r"filename='([^']+)'", block)]


# -- the pages ------------------------------------------------------------------------------
@dataclass
class Rendered:
    name: str
    upstream: Page
    ours: Page


def _blog() -> None:
    """Five posts (three published) by one author, and five comments on two of them."""
    alice = User(username="alice", password_hash="x")
    posts = [
        Post(title=f"Post {i}", slug=f"post-{i}", body="<p>text</p>", author=alice,
             status="published" if i % 2 == 0 else "draft", published_at=datetime(2026, 1, 1 + i))
        for i in range(5)
    ]  # fmt: skip
    comments = [
        Comment(post=posts[i % 2], author_name="Ann", email="ann@example.org",
                text=f"A river at dawn, no. {i}", status=("pending", "approved")[i % 2])
        for i in range(5)
    ]  # fmt: skip
    db.session.add_all([alice, *posts, *comments])
    db.session.commit()


def _posts_filtered(monkeypatch: pytest.MonkeyPatch) -> str:
    """Published posts matching a search, sorted, 50 a page; the title column described (a
    tooltip, which bs4_filters.js styles)."""
    view = find_view("posts")
    monkeypatch.setattr(view, "column_descriptions", {"title": "The post's <b>title</b>"})
    status = filter_key(view, "status", "equals")
    return f"/admin/posts/?flt0_{status}=published&search=Post&sort=0&desc=1&page_size=50"


def _comments_filtered(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pending comments matching a search, in the "all" queue tab."""
    status = filter_key(find_view("comments"), "status", "equals")
    return f"/admin/comments/?status=all&flt0_{status}=pending&search=river"


def _posts_empty(monkeypatch: pytest.MonkeyPatch) -> str:
    """A search that finds nothing, no filter: no rows, no active filters."""
    return "/admin/posts/?search=nothing-matches-this"


PAGES: dict[str, Callable[[pytest.MonkeyPatch], str]] = {
    "posts, filtered and searched": _posts_filtered,
    "comments, filtered and searched": _comments_filtered,
    "posts, nothing found": _posts_empty,
}


@pytest.fixture(scope="module")
def contract() -> Contract:
    return read_contract()


@pytest.fixture(params=list(PAGES))
def page(request, client, login_as, monkeypatch) -> Rendered:
    """One list page, rendered by our template and by Flask-Admin's list.html (through the
    same view, request and data: GatedModelView.render falls back to Flask-Admin's template
    when the light one cannot draw the rows)."""
    login_as("admin")
    _blog()
    url = PAGES[request.param](monkeypatch)
    ours = client.get(url)
    assert ours.status_code == 200, url
    endpoint = url.split("/")[2]
    monkeypatch.setattr(find_view(endpoint), "_light_rows", lambda: False)
    upstream = client.get(url)
    assert upstream.status_code == 200, url
    ours_html, upstream_html = ours.get_data(as_text=True), upstream.get_data(as_text=True)
    assert ours_html != upstream_html, "both renders used the same template"
    return Rendered(request.param, Page(upstream_html), with_bundles_opened(Page(ours_html)))


def with_bundles_opened(page: Page) -> Page:
    """``page`` with each ``<script>`` of a bundle replaced by one per file it is made of (the
    same place in the page), as the browser runs them: Flask-Admin's at their own URLs."""
    files = {url: bundle_files(name) for name in BUNDLES for url in bundle_urls(name)}
    opened: list[Node] = []
    for node in page.nodes:
        src = node.attrs.get("src", "")
        if node.tag != "script" or src not in files:
            opened.append(node)
            continue
        for name in files[src]:
            path = f"/admin/static/{name[len('admin/') :]}" if name.startswith("admin/") else name
            opened.append(Node("script", {"src": path}, node.parent, node.order))
    page.nodes = opened
    return page


def _report(problems: list[str], page: Rendered) -> str:
    return f"{page.name}: our list differs where Flask-Admin's scripts look:\n- " + "\n- ".join(
        problems
    )


# -- the contract ---------------------------------------------------------------------------
def test_the_selectors_are_read_from_flask_admins_scripts(contract):
    """The extraction finds what the scripts are known to use, so the comparison below can never
    silently compare nothing; every selector is one the engine understands."""
    selectors = contract.page_selectors()
    expected = {
        "#filter_form", ".field-filters", ".field-filters a.filter", "#filter_form .filters",
        "#filter_form button", "#filter-groups-data", "#active-filters-data",
        "[data-role=tooltip]", "#action_form", "#action_form #action", ".action-rowtoggle",
        "input.action-checkbox", "#message-data", "#actions-confirmation-data",
        ":input[data-role], a[data-role]",
    }  # fmt: skip
    assert expected <= set(selectors), f"not found in the scripts: {expected - set(selectors)}"
    assert selectors["#filter-groups-data"].reads_text
    assert selectors[".field-filters a.filter"].reads_text
    assert {use.script for use in selectors.values()} == set(SCRIPTS)
    for selector in selectors:
        for group in split_groups(selector):
            parse_selector(group)  # raises on syntax the engine does not know


def test_every_context_the_scripts_select_in_is_known(contract):
    """``$('sel', ctx)``: each context is read from the scripts (a constructor's selector
    arguments, ``var form = $('#action_form')``) or listed in UNDERIVED_CONTEXTS, so a new one
    fails here instead of being compared as the whole page."""
    unknown = {
        (use.script, use.context)
        for use in contract.uses
        if use.context is not None and use.context not in contract.contexts
    }
    assert not unknown, f"scripts select within contexts this test does not know: {unknown}"
    assert contract.contexts["$root"] == "#filter_form"
    assert contract.contexts["form"] == "#action_form"


def test_every_element_the_scripts_select_is_in_ours_as_in_flask_admins(contract, page):
    """Same elements (tag, count, order) for each selector, with the ids, names, types,
    values, data-* attributes and script classes the scripts read, and the same text where
    a script parses it (the filter and action data)."""
    problems = compare_page(contract, page.upstream, page.ours)
    assert not problems, _report(problems, page)


def test_the_forms_the_scripts_submit_send_the_same_fields(contract, page):
    """#action_form and #filter_form: same method and action, and every field upstream's
    send (the CSRF token, the way back, the action; the kept sort, search, page size)."""
    problems = compare_forms(contract, page.upstream, page.ours)
    assert not problems, _report(problems, page)


def test_the_data_a_script_reads_as_it_loads_comes_before_it(contract, page):
    """actions.js and bs4_filters.js parse their JSON data elements when they load: those
    come before their script tag, as in Flask-Admin's page."""
    problems = compare_load_order(contract, page.upstream, page.ours)
    assert not problems, _report(problems, page)


#: Scripts our pages load later than Flask-Admin's base template does (with the pages that use
#: them, not on every page), and the script each must still come before.
LOADED_LATER = {
    f"/admin/static/{script}": f"/admin/static/{user}"
    for script, user in (
        ("vendor/moment.min.js", "vendor/bootstrap-daterangepicker/daterangepicker.js"),
        ("vendor/select2/select2.min.js", "admin/js/form.js"),
    )
}


def test_the_same_flask_admin_scripts_load_in_the_same_order(page):
    """form.js before bs4_filters.js (which calls faForm), the date picker before form.js,
    actions.js: the same files, in the same order, but for moment and select2, which come with
    the pages that use them, still before their first user."""
    ours = flask_admin_scripts(page.ours)
    base = flask_admin_base_scripts()
    upstream = base + [s for s in flask_admin_scripts(page.upstream) if s not in base]
    # Rendered with our base template, Flask-Admin's list still gets what its base loads.
    assert set(base) <= set(flask_admin_scripts(with_bundles_opened(page.upstream))), page.name
    assert sorted(ours) == sorted(upstream), page.name
    assert [s for s in ours if s not in LOADED_LATER] == [
        s for s in upstream if s not in LOADED_LATER
    ], page.name
    for script, user in LOADED_LATER.items():
        assert ours.index(script) < ours.index(user), f"{page.name}: {script} after {user}"
    for script in SCRIPTS:
        assert page.ours.script(script) is not None, f"{page.name}: {script} is not loaded"


def test_each_bulk_action_is_the_one_flask_admins_menu_runs(page):
    """Upstream's menu runs ``modelActions.execute('<name>')`` in an onclick; ours names the
    action in data-model-action, which app.js passes to the same function: same names, same
    order."""
    call = re.compile(r"return\s+(?P<fn>[\w.]+)\('(?P<name>[^']*)'\)")
    upstream = [call.search(n.attrs["onclick"]) for n in page.upstream.select("[onclick]")]
    upstream = [m for m in upstream if m and m["fn"].endswith("modelActions.execute")]
    ours = [n.attrs["data-model-action"] for n in page.ours.select("[data-model-action]")]
    assert ours == [m["name"] for m in upstream], page.name
    assert upstream, f"{page.name}: Flask-Admin's menu has no bulk actions to compare"
    app_js = APP_JS.read_text(encoding="utf-8")
    functions = {m["fn"] for m in upstream}
    assert all(f"window.{fn}(" in app_js for fn in functions), (
        f"app.js no longer calls {functions}, which Flask-Admin's action menu calls"
    )
    actions_js = (SCRIPT_DIR / "actions.js").read_text(encoding="utf-8")
    assert re.search(r"^var modelActions\b", actions_js, re.M), (
        "actions.js no longer defines the global modelActions that app.js calls"
    )


def test_a_difference_is_reported_in_plain_words(contract):
    """The comparison itself: a missing select-all box, a renamed data element and a changed
    checkbox name are each reported, saying what Flask-Admin has and what ours has."""
    upstream = Page(
        '<input type="checkbox" name="rowtoggle" class="action-rowtoggle">'
        '<input type="checkbox" name="rowid" class="action-checkbox" value="7">'
        '<div id="message-data">"Select one"</div>'
    )
    ours = Page(
        '<input type="checkbox" name="rowtoggle">'
        '<input type="checkbox" name="row" class="action-checkbox" value="7">'
        '<div id="message">"Select one"</div>'
    )
    problems = compare_page(contract, upstream, ours)
    assert (
        "Flask-Admin's list.html has 1 <input class='action-rowtoggle' type='checkbox' "
        "name='rowtoggle'> for '.action-rowtoggle', which actions.js uses; ours has none"
    ) in problems
    assert any("'input.action-checkbox'" in p and "name='row'" in p for p in problems)
    lost = "Flask-Admin's list.html has 1 <div id='message-data'> for '#message-data'"
    assert any(p.startswith(lost) for p in problems)
