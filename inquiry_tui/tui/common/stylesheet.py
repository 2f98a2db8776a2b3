"""The app's stylesheet: Textual's, with each CSS source parsed once per process for the same CSS variables.

Textual re-parses every source of the app on each `Stylesheet.reparse` (a new screen's CSS, a
`refresh_css`), in a fresh stylesheet with an empty parse cache. Opening the inbox reparses
three times in `App.switch_mode` (its screen's stylesheet, then `refresh_css` twice, with the
same sources and variables), so start parsed the same CSS of every widget four times
(docs/performance.md, "Start at 1M, session 9"). Here the parsed rules are kept across
stylesheets, keyed by the source as Textual's own cache keys it and by the CSS variables the
rules were parsed with: the rules are the same objects Textual's cache would give within one
stylesheet. A change of variables (another theme) parses anew; only the last few sets of
variables are kept.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

# Sets of CSS variables whose parsed rules are kept (the app uses one theme; a switch and back stays parsed).
KEPT_VARIABLE_SETS = 2

_Variables = tuple[tuple[str, str], ...]
_Source = tuple[str, CSSLocation, bool, int, str]


class SharedParseStylesheet(Stylesheet):
    """A `Stylesheet` whose parsed rules outlive it: its copies and reparses parse only new or changed CSS."""

    _parsed: ClassVar[OrderedDict[_Variables, dict[_Source, list[RuleSet]]]] = OrderedDict()

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._keyed: tuple[dict[str, str], _Variables] | None = None

    def _variables_key(self) -> _Variables:
        # set_variables replaces the dict: the key is worked out again only then.
        if self._keyed is None or self._keyed[0] is not self._variables:
            self._keyed = (self._variables, tuple(sorted(self._variables.items())))
        return self._keyed[1]

    def _rules_parsed(self, variables: _Variables) -> dict[_Source, list[RuleSet]]:
        parsed = self._parsed
        if variables in parsed:
            parsed.move_to_end(variables)
            return parsed[variables]
        while len(parsed) >= KEPT_VARIABLE_SETS:
            parsed.popitem(last=False)
        rules: dict[_Source, list[RuleSet]] = {}
        parsed[variables] = rules
        return rules

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        kept = self._rules_parsed(self._variables_key())
        source = (css, read_from, is_default_rules, tie_breaker, scope)
        found = kept.get(source)
        if found is None:
            # Textual's parse: CSS it cannot read raises and is not kept; rules with errors are kept as
            # parsed, and `parse` refuses them each time, as it does when it parses them again.
            found = kept[source] = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        return found

    def copy(self) -> Stylesheet:
        stylesheet = type(self)(variables=self._variables.copy())
        stylesheet.source = self.source.copy()
        return stylesheet

    def reparse(self) -> None:
        """Textual's `reparse` (a fresh stylesheet, so that an error leaves this one as it was), of this class."""
        stylesheet = type(self)(variables=self._variables)
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(
                css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker, scope=scope
            )
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)  # as Textual does: not parsed again before it quits
            raise
        self._rules = stylesheet.rules
        self._rules_map = None
        self.source = stylesheet.source
        self._require_parse = False
