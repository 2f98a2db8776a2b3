"""HTML e-mail bodies as plain text, by BeautifulSoup (MIT licensed, well kept; the stdlib's html.parser underneath).

Why BeautifulSoup rather than html2text: html2text writes Markdown (escapes, `**bold**`) and is
GPL-3.0; a reader of buyer mail wants the words, paragraphs, list items and where each link
really goes (a phishing link's text and its target differ). Scripts, styles and the head are
dropped; white space inside text is folded as a browser folds it, except in `<pre>`.
"""

from __future__ import annotations

import re

_BLOCKS = (
    "p",
    "div",
    "table",
    "tr",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "hr",
    "dl",
    "dt",
    "dd",
)
_SPACES = re.compile(r"[ \t\r\f\v\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING = re.compile(r"[ \t]+\n")


_DROPPED = frozenset(("script", "style", "head", "title", "template", "noscript"))
_BLOCK_SET = frozenset(_BLOCKS)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: paragraphs and rows on their own lines, `• ` list items, `text (url)` links."""
    from bs4 import BeautifulSoup  # imported here: only HTML mail needs it
    from bs4.element import CData, NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    out: list[str] = []
    # One walk over the tree, without recursion (hostile mail nests deep): ("in", node, in <pre>) opens
    # a node, ("out", tag, in <pre>) closes an element after its children.
    stack: list[tuple[str, object, bool]] = [("in", child, False) for child in reversed(soup.contents)]
    while stack:
        step, node, pre = stack.pop()
        if step == "out":
            assert isinstance(node, Tag)
            if node.name == "a":
                href = str(node.get("href") or "").strip()
                if href and not href.startswith(("#", "cid:")) and href.removeprefix("mailto:") not in _label(node):
                    out.append(f" ({href})")
            elif node.name in ("td", "th"):
                out.append(" ")
            if node.name in _BLOCK_SET:
                out.append("\n")
            continue
        if isinstance(node, Tag):
            name = node.name
            if name in _DROPPED:
                continue
            if name == "br":
                out.append("\n")
                continue
            if name == "li":
                out.append("\n• ")
            if name in _BLOCK_SET:
                out.append("\n")
            inner = pre or name == "pre"
            stack.append(("out", node, pre))
            stack.extend(("in", child, inner) for child in reversed(node.contents))
        elif type(node) is NavigableString:
            out.append(str(node) if pre else _SPACES.sub(" ", node))
        elif pre and isinstance(node, CData):
            out.append(str(node))  # comments and doctypes are not text
    text = "".join(out)
    lines = (line.strip() for line in _TRAILING.sub("\n", text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _label(link: object) -> str:
    """A link's words as they read (folded, one space between its pieces)."""
    from bs4.element import NavigableString, Tag

    assert isinstance(link, Tag)
    words = (_SPACES.sub(" ", s).strip() for s in link.find_all(string=True) if type(s) is NavigableString)
    return " ".join(w for w in words if w)
