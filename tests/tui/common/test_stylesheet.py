"""The app's stylesheet parses each CSS source once per process for the same variables (tui/common/stylesheet.py)."""

from __future__ import annotations

import pytest
from textual.css import stylesheet as textual_stylesheet
from textual.css.stylesheet import StylesheetParseError

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common.stylesheet import SharedParseStylesheet
from inquiry_tui.tui.inbox.screen import InboxScreen
from tests.tui.conftest import settle

CSS = "Static { color: $text; } #one { width: 10; }"


def _counting_sources(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Every source Textual's parser is given from now on: its scope, CSS, location, defaults flag and tie-breaker."""
    parsed: list[tuple[object, ...]] = []
    parse = textual_stylesheet.parse

    def counting(scope, css, read_from, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append((scope, css, read_from, kwargs.get("is_default_rules"), kwargs.get("tie_breaker")))
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual_stylesheet, "parse", counting)
    return parsed


def _css(sources: list[tuple[object, ...]]) -> list[object]:
    return [source[1] for source in sources]


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SharedParseStylesheet, "_parsed", type(SharedParseStylesheet._parsed)())


def test_reparses_and_copies_parse_only_what_is_new(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = _counting_sources(monkeypatch)
    sheet = SharedParseStylesheet(variables={"text": "red"})
    sheet.add_source(CSS, read_from=("a.tcss", ""))
    sheet.parse()
    rules = sheet.rules
    sheet.reparse()
    sheet.copy().parse()
    assert _css(sources) == [CSS]
    assert sheet.rules == rules and sheet.rules[0].styles.color == rules[0].styles.color
    sheet.add_source("#two { height: 3; }", read_from=("b.tcss", ""))
    sheet.reparse()
    assert _css(sources) == [CSS, "#two { height: 3; }"]
    assert len(sheet.rules) == len(rules) + 1


def test_other_variables_parse_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = _counting_sources(monkeypatch)
    red = SharedParseStylesheet(variables={"text": "red"})
    red.add_source(CSS, read_from=("a.tcss", ""))
    red.parse()
    blue = SharedParseStylesheet(variables={"text": "blue"})
    blue.add_source(CSS, read_from=("a.tcss", ""))
    blue.parse()
    assert _css(sources) == [CSS, CSS]
    assert red.rules[0].styles.color != blue.rules[0].styles.color
    red.set_variables({"text": "blue"})  # a theme change: the rules of those variables, parsed already
    red.reparse()
    assert _css(sources) == [CSS, CSS] and red.rules[0].styles.color == blue.rules[0].styles.color


def test_css_with_errors_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = SharedParseStylesheet(variables={})
    sheet.add_source("#one { colour: red; }", read_from=("bad.tcss", ""))
    for _ in range(2):  # the second time from the kept rules: refused all the same
        with pytest.raises(StylesheetParseError):
            sheet.reparse()


async def test_opening_the_inbox_parses_each_source_once(store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual reparses every source three times as the inbox's mode opens (App.switch_mode): here each once.

    (A widget's default CSS may be parsed again at another tie-breaker, as Textual registers it: another source.)
    """
    parsed = _counting_sources(monkeypatch)
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert isinstance(app.stylesheet, SharedParseStylesheet)
        assert parsed and len(parsed) == len(set(parsed))
        assert app.screen.query_one("#inquiries").styles.border_top[0] != ""  # the inbox's own stylesheet applies
