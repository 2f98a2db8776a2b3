"""Admin › Reception: smart reception (auto-reply) and call reception settings, with the exact messages a
new buyer writing now would get.

The form edits a copy; each change is parsed with the same parsers as `settings set` (a bad
window or date is named at once) and the preview is recomputed by `domain.reception` on the
spot (pure functions, no store access). ctrl+s saves (compare-and-save, audited).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from inquiry_tui.domain.errors import InquiryError, StaleWrite, ValidationError
from inquiry_tui.domain.questions import parse_question
from inquiry_tui.domain.reception import auto_reply_messages, is_holiday, plan_auto_replies, reception_active
from inquiry_tui.domain.settings import (
    MAX_FAQ,
    CallSettings,
    ReceptionSettings,
    Settings,
    TimeWindow,
    parse_choice,
    parse_holidays,
    parse_timezone,
    parse_windows,
)
from inquiry_tui.domain.text import safe_text
from inquiry_tui.domain.vocabulary import Ask
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.services.setup.settings_edit import save_reception
from inquiry_tui.tui.admin.faq import FaqList
from inquiry_tui.tui.admin.panel import AdminPanel, show
from inquiry_tui.tui.common.check import Check

MODES = [("Off (not enabled)", "off"), ("All day", "all_day"), ("Custom time windows", "custom")]
# A refused value is named under its own field (a long form at 80x24 would hide a message at its
# foot), and saving with one focuses that field (scrolling to it). The parsers name the settings key.
FIELDS = {
    "reception.mode": "reception-mode",
    "reception.timezone": "reception-timezone",
    "reception.windows": "reception-windows",
    "reception.holidays": "reception-holidays",
    "calls.windows": "calls-windows",
}


def field_of(error: InquiryError) -> str | None:
    """The id of the form field ERROR names (its message starts with the settings key), if any."""
    message = str(error)
    return next((widget for key, widget in FIELDS.items() if message.startswith(key)), None)


@cache
def time_zones() -> list[str]:
    """Every IANA zone name, for the time zone field's suggestions (reading them takes a while: in a worker)."""
    return sorted(available_timezones())


@lru_cache(maxsize=256)
def _timezone_problem(value: str) -> str | None:
    # Checking a zone reads the zone files (~25 ms); the form is checked on every key typed.
    try:
        parse_timezone("reception.timezone", value)
    except ValidationError as error:
        return str(error)
    return None


def checked_timezone(value: str) -> str:
    """parse_timezone for the form, remembered per value."""
    problem = _timezone_problem(value)
    if problem is not None:
        raise ValidationError(problem)
    return value.strip()


def windows_text(settings_windows: tuple[TimeWindow, ...]) -> str:
    return ", ".join(str(w) for w in settings_windows)


class ReceptionPanel(AdminPanel):
    FOCUS = "#reception-mode"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save reception", id="reception-save"),
        Binding("ctrl+z", "revert", "Revert", id="reception-revert"),
    ]

    @dataclass
    class Loaded(Message):
        settings: Settings
        zones: list[str]  # the time zone field's suggestions

    @dataclass
    class Saved(Message):
        settings: Settings

    @dataclass
    class Refused(Message):
        message: str
        stale: bool  # changed by someone else meanwhile: the form is read again

    def __init__(self, ctx: Ctx, *, id: str | None = None) -> None:
        super().__init__(ctx, id=id)
        self.baseline: tuple[ReceptionSettings, CallSettings] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="reception-body"):
            with VerticalScroll(id="reception-form"):
                yield Label("Smart reception (auto-reply)", classes="field-label")
                yield Select(
                    MODES, allow_blank=False, value="off", id="reception-mode", compact=True, type_to_search=False
                )
                yield Static("", classes="field-error", id="reception-mode-error")
                yield Label("Company time zone", classes="field-label")
                yield Input(placeholder="Area/City", id="reception-timezone", compact=True, select_on_focus=False)
                yield Static("", classes="field-error", id="reception-timezone-error")
                yield Label("Custom windows (workday / holiday, HH:MM-HH:MM)", classes="field-label")
                yield Input(
                    placeholder="workday 18:00-24:00, holiday 00:00-24:00",
                    id="reception-windows",
                    compact=True,
                    select_on_focus=False,
                )
                yield Static("", classes="field-error", id="reception-windows-error")
                yield Label("Holidays besides weekends (YYYY-MM-DD, ...)", classes="field-label")
                yield Input(
                    placeholder="2026-10-01, 2026-10-02", id="reception-holidays", compact=True, select_on_focus=False
                )
                yield Static("", classes="field-error", id="reception-holidays-error")
                yield Label("Welcome message", classes="field-label")
                yield TextArea(id="reception-welcome")
                yield Label(f"FAQ (at most {MAX_FAQ})", classes="field-label", id="reception-faq-label")
                yield Static(
                    Text("n: new   enter: edit   x: remove   shift+↑ / shift+↓: move", style="dim"),
                    classes="section-help",
                )
                yield FaqList(id="reception-faq")
                yield Label(
                    "Smart questions (one per line; [quantity, product] first says what it asks)", classes="field-label"
                )
                yield TextArea(id="reception-questions")
                yield Label("Voice and video call reception", classes="field-label")
                yield Check("Voice calls", id="calls-voice", compact=True)
                yield Check("Video calls", id="calls-video", compact=True)
                yield Label("Call availability windows", classes="field-label")
                yield Input(placeholder="workday 09:00-18:00", id="calls-windows", compact=True, select_on_focus=False)
                yield Static("", classes="field-error", id="calls-windows-error")
                yield Static("", classes="status", id="reception-status")
            with VerticalScroll(id="reception-preview"):
                yield Static("", id="reception-preview-text")

    def on_resize(self) -> None:
        self.set_class(self.size.width < 120, "-narrow")

    def reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="admin-reception-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(get_settings(self.ctx), time_zones()))

    @on(Loaded)
    def _fill(self, event: Loaded) -> None:
        r, c = event.settings.reception, event.settings.calls
        timezone = self.query_one("#reception-timezone", Input)
        if timezone.suggester is None:
            timezone.suggester = SuggestFromList(event.zones, case_sensitive=False)
        self.baseline = (r, c)
        self.query_one("#reception-mode", Select).value = r.mode
        self.query_one("#reception-timezone", Input).value = r.timezone
        self.query_one("#reception-windows", Input).value = windows_text(r.windows)
        self.query_one("#reception-holidays", Input).value = ", ".join(d.isoformat() for d in r.holidays)
        self.query_one("#reception-welcome", TextArea).text = r.welcome
        self.query_one(FaqList).set_entries(r.faq)
        self.query_one("#reception-questions", TextArea).text = "\n".join(r.smart_questions)
        self.query_one("#calls-voice", Checkbox).value = c.voice
        self.query_one("#calls-video", Checkbox).value = c.video
        self.query_one("#calls-windows", Input).value = windows_text(c.windows)
        self.set_status("", selector="#reception-status")
        self._refresh_preview()

    # --- the edited copy ------------------------------------------------------------------

    def edited(self) -> tuple[ReceptionSettings, CallSettings]:
        """The form as settings; a bad field raises ValidationError naming it."""

        def value(selector: str) -> str:
            return self.query_one(selector, Input).value

        questions = self.query_one("#reception-questions", TextArea).text.splitlines()
        reception = ReceptionSettings(
            mode=parse_choice(
                "reception.mode", str(self.query_one("#reception-mode", Select).value), ("off", "all_day", "custom")
            ),
            timezone=checked_timezone(value("#reception-timezone")),
            windows=parse_windows("reception.windows", value("#reception-windows")),
            holidays=parse_holidays("reception.holidays", value("#reception-holidays")),
            welcome=self.query_one("#reception-welcome", TextArea).text,
            faq=tuple(self.query_one(FaqList).entries),
            smart_questions=tuple(q.strip() for q in questions if q.strip()),
        )
        calls = CallSettings(
            voice=self.query_one("#calls-voice", Checkbox).value,
            video=self.query_one("#calls-video", Checkbox).value,
            windows=parse_windows("calls.windows", value("#calls-windows")),
            # Not on this form (`settings set calls.min_answer_rate`): kept as stored.
            min_answer_rate=(self.baseline[1] if self.baseline else CallSettings()).min_answer_rate,
        )
        return reception, calls

    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(FaqList.Changed)
    def _edited(self, event: Message) -> None:
        event.stop()
        if self.baseline is not None:
            self._refresh_preview()

    def _refresh_preview(self) -> None:
        preview = self.query_one("#reception-preview-text", Static)
        try:
            reception, calls = self.edited()
        except InquiryError as exc:
            self.show_field_error(exc)
            self.set_status(str(exc), error=True, selector="#reception-status")
            fix = Text("Fix the form to see the preview: ", style="dim")
            fix.append(str(exc), style="bold red")
            show(preview, fix)
            return
        self.show_field_error(None)
        faq_label = self.query_one("#reception-faq-label", Label)
        show(faq_label, f"FAQ ({len(reception.faq)} of {MAX_FAQ})")
        if (reception, calls) != self.baseline:
            show(
                self.query_one("#reception-status", Static),
                # In the welcome and questions boxes ctrl+z is the box's own undo: the note says so.
                Text("Unsaved changes (ctrl+s saves; ctrl+z reverts, in a text box undoes a step).", style="yellow"),
            )
        else:
            self.set_status("", selector="#reception-status")
        show(preview, preview_text(reception, calls, self.ctx.now()))

    # --- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.baseline is None:
            return
        try:
            reception, calls = self.edited()
        except InquiryError as exc:
            self.set_status(f"Not saved: {exc}", error=True, selector="#reception-status")
            field = self.show_field_error(exc)
            if field is not None:
                # Focus now, not a few turns later as focus() does: a scroll that has yet to start toward
                # the field focused before then finds it unfocused and stays put.
                self.screen.set_focus(self.query_one(f"#{field}"), scroll_visible=False)
                self.call_after_refresh(self._bring_into_view, field)
            return
        self._save(self.baseline, reception, calls)

    def _bring_into_view(self, field: str) -> None:
        """Scroll the form to FIELD and the note under it, once the scrolls already asked for are under way."""
        # One toward the field focused before (tab then ctrl+s in one burst of keys) may be animating, and
        # would carry the form away from the field at fault after we scrolled: end it first.
        self.app.animator.force_stop_animation(self.query_one("#reception-form"), "scroll_y")
        self.query_one(f"#{field}").scroll_visible(animate=False, immediate=True)
        self.query_one(f"#{field}-error").scroll_visible(animate=False, immediate=True)

    def show_field_error(self, error: InquiryError | None) -> str | None:
        """ERROR under the field it names (and no other); returns that field's id."""
        field = field_of(error) if error is not None else None
        for widget in FIELDS.values():
            message = str(error) if widget == field else ""
            note = self.query_one(f"#{widget}-error", Static)
            show(note, Text(message, style="bold red"))
            note.display = bool(message)
        return field

    @work(thread=True, exclusive=True, group="admin-reception-save", exit_on_error=False)
    def _save(
        self, expected: tuple[ReceptionSettings, CallSettings], reception: ReceptionSettings, calls: CallSettings
    ) -> None:
        try:
            saved = save_reception(self.ctx, expected, reception, calls)
        except StaleWrite as exc:
            self.post_message(self.Refused(str(exc), stale=True))
            return
        except InquiryError as exc:
            self.post_message(self.Refused(f"Not saved: {exc}", stale=False))
            return
        self.post_message(self.Saved(saved))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.baseline = (event.settings.reception, event.settings.calls)
        self.set_status("Saved; the next arrival follows these settings.", selector="#reception-status")
        self.notify("Reception settings saved.")

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.stale:
            self._load()
            self.notify(event.message, severity="warning", markup=False)
        else:
            self.set_status(event.message, error=True, selector="#reception-status")

    def action_revert(self) -> None:
        self._load()


def preview_text(reception: ReceptionSettings, calls: CallSettings, now: datetime) -> Text:
    """What a new buyer (no contact in 30 days) writing at NOW would get, and whether calls are open."""
    local = now.astimezone(ZoneInfo(reception.timezone))
    kind = "holiday" if is_holiday(reception, local.date()) else "workday"
    out = Text()
    out.append("A new buyer writing now\n", style="bold")
    out.append(f"{local:%a %Y-%m-%d %H:%M} in {reception.timezone} ({kind})\n\n", style="dim")
    planned = plan_auto_replies(reception, now, None)
    if planned:
        out.append(f"would get {len(planned)} auto-replies, in this order:\n\n", style="green")
        _messages(out, planned)
    else:
        why = "reception is off" if reception.mode == "off" else "now is outside every window"
        out.append(f"would get no auto-reply: {why}.\n", style="yellow")
        planned_later = auto_reply_messages(reception)
        if planned_later and reception.mode != "off":
            out.append("\nInside a window they would get:\n\n", style="dim")
            _messages(out, planned_later)
    asks = questions_text(reception.smart_questions)
    if asks:
        out.append("\nSmart questions are sent only when the inquiry does not say:\n", style="bold")
        out.append(asks, style="dim")
    out.append("\nAuto-replies never count as a reply: answer within 24 hours.\n", style="dim")
    out.append("\nCalls  ", style="bold")
    kinds = [name for name, on_ in (("voice", calls.voice), ("video", calls.video)) if on_]
    if not kinds:
        out.append("off\n", style="dim")
    else:
        window = replace(reception, mode="custom", windows=calls.windows)
        open_now = reception_active(window, now)
        out.append(f"{' and '.join(kinds)}; ")
        out.append("available now" if open_now else "not available now", style="green" if open_now else "yellow")
        out.append(f" ({windows_text(calls.windows) or 'no windows set'})\n", style="dim")
    return out


def questions_text(questions: tuple[str, ...]) -> str:
    """One line per question: what it asks (declared with `[quantity, product] ...` or read from its words)."""
    lines = []
    for n, raw in enumerate(questions, 1):
        try:
            question = parse_question(raw)
        except InquiryError as exc:
            lines.append(f"{n}. {exc}")
            continue
        what = (
            ", ".join(a.value.replace("_", " ") for a in Ask if a in question.asks) or "nothing readable: always sent"
        )
        lines.append(f"{n}. asks {what}")
    return "\n".join(lines) + ("\n" if lines else "")


def _messages(out: Text, messages: tuple[str, ...]) -> None:
    for n, message in enumerate(messages, 1):
        out.append(f"{n}. ", style="bold")
        out.append(safe_text(message))
        out.append("\n\n")
