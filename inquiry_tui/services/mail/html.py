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


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: paragraphs and rows on their own lines, `• ` list items, `text (url)` links."""
    from bs4 import BeautifulSoup  # imported here: only HTML mail needs it
    from bs4.element import NavigableString, Tag

    soup = BeautifulSoup(html, "html.parser")
    for junk in soup(["script", "style", "head", "title", "template", "noscript"]):
        junk.decompose()
    for node in list(soup.find_all(string=True)):
        if node.find_parent("pre") is not None:
            continue
        if type(node) is not NavigableString:  # comments, doctypes, CDATA
            node.extract()
            continue
        folded = _SPACES.sub(" ", str(node))
        if folded != node:
            node.replace_with(folded)
    for link in soup.find_all("a", href=True):
        href = str(link.get("href", "")).strip()
        label = link.get_text(" ", strip=True)
        if href and not href.startswith(("#", "cid:")) and href.removeprefix("mailto:") not in label:
            link.append(f" ({href})")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for item in soup.find_all("li"):
        item.insert_before("\n• ")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" ")
    for block in soup.find_all(_BLOCKS):
        if isinstance(block, Tag):
            block.insert_before("\n")
            block.insert_after("\n")
    text = soup.get_text()
    lines = (line.strip() for line in _TRAILING.sub("\n", text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
