"""Parsing one e-mail: MIME (multipart, HTML, quoted-printable, base64), charsets, headers, and bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from inquiry_tui.domain.mail import clean_id, message_ids, references, reply_subject, retry_after, thread_subject
from inquiry_tui.services.mail.html import html_to_text
from inquiry_tui.services.mail.parse import MAX_BODY, MailError, parse_mail
from tests.conftest import FIXED_NOW
from tests.unit.mail.mail_helpers import message

NOW = FIXED_NOW


def parse(raw: bytes, **kw: object):  # type: ignore[no-untyped-def]
    return parse_mail(raw, delivered=NOW, **kw)  # type: ignore[arg-type]


def test_multipart_alternative_reads_the_plain_part_and_decodes_the_headers() -> None:
    m = parse(message("Anfrage: Flutlicht – 500 Stück", text="Grüße aus München", html="<p>HTML</p>").as_bytes())
    assert (m.sender, m.sender_name, m.subject) == ("hans@lichtbau.de", "Hans Müller", "Anfrage: Flutlicht – 500 Stück")
    assert m.body == "Grüße aus München" and m.rfc_id == "q1@lichtbau.de" and m.sent_at == NOW


def test_html_only_is_turned_into_text_with_links_shown() -> None:
    html = "<html><head><style>p{}</style></head><body><p>Dear  sir,</p><ul><li>500 pcs</li></ul><a href='http://evil.example/pay'>our catalogue</a><script>x()</script></body></html>"
    m = parse(message(text=None, html=html).as_bytes())
    assert m.body == "Dear sir,\n\n• 500 pcs\nour catalogue (http://evil.example/pay)"


@pytest.mark.parametrize(
    ("charset", "cte", "text"),
    [
        ("utf-8", "quoted-printable", "Prix pour 500 pièces, s'il vous plaît"),
        ("utf-8", "base64", "Цена за 500 штук"),
        ("iso-8859-1", "quoted-printable", "Grüße, Jürgen"),
        ("gb2312", "base64", "我们需要200个工矿灯"),
        ("shift_jis", "base64", "見積もりをお願いします"),
        ("koi8-r", "8bit", "Привет"),
    ],
)
def test_charsets_and_transfer_encodings(charset: str, cte: str, text: str) -> None:
    raw = message(text=text, charset=charset, cte=cte).as_bytes()
    assert text.encode("utf-8") not in raw or (charset == "utf-8" and cte == "8bit")
    assert parse(raw).body == text


def test_an_unknown_charset_is_read_as_utf8_with_a_note() -> None:
    raw = (
        b"From: a@b.example\r\nSubject: x\r\nMessage-ID: <u1@b.example>\r\n"
        b"Content-Type: text/plain; charset=x-unheard-of\r\n\r\nPreis f\xc3\xbcr 5\r\n"
    )
    m = parse(raw)
    assert m.body.startswith("Preis für 5")
    assert "unknown charset 'x-unheard-of'" in m.body and m.notes


def test_raw_8bit_and_encoded_word_headers() -> None:
    raw = (
        b"From: =?utf-8?b?546L56OK?= <wang@trade.cn>\r\nSubject: Re: =?gb2312?b?0a+82w==?= now\r\n"
        b"Message-ID: <w1@trade.cn>\r\n\r\nhi\r\n"
    ) + b""
    m = parse(raw)
    assert (m.sender_name, m.subject) == ("王磊", "Re: 询价 now")
    latin = parse(b"From: J\xfcrgen <j@x.de>\r\nSubject: Gr\xfc\xdfe\r\n\r\nhi")
    assert (latin.sender_name, latin.subject) == ("Jürgen", "Grüße")


def test_attachments_keep_their_names_and_big_ones_are_noted_not_kept() -> None:
    raw = message(attachments=(("Spezifikation Ü.pdf", b"%PDF-1.4 x"), ("huge.zip", b"z" * 2000))).as_bytes()
    m = parse(raw, max_attachment=1000)
    assert m.attachments == (("Spezifikation Ü.pdf", b"%PDF-1.4 x"),)
    assert "attachment 'huge.zip' (0.0 MB) not kept: over the 0.0 MB limit" in m.body


def test_no_sender_is_refused_with_its_reason() -> None:
    with pytest.raises(MailError, match="no From header"):
        parse(message(sender="").as_bytes())
    with pytest.raises(MailError, match="no sender address in From"):
        parse(message(sender="Just A Name").as_bytes())
    with pytest.raises(MailError, match="no sender address"):
        parse(message(sender="x <not-an-address@>").as_bytes())


def test_malformed_mime_is_imported_as_well_as_it_can() -> None:
    raw = (
        b"From: a@b.example\r\nSubject: broken\r\nContent-Type: multipart/mixed; boundary=NOPE\r\n\r\n"
        b"no boundary ever comes\r\n"
    )
    m = parse(raw)
    assert m.sender == "a@b.example" and m.subject == "broken"
    garbage = parse(b"From: a@b.example\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!")
    assert garbage.sender == "a@b.example"


def test_missing_message_id_gets_a_stable_one_and_a_future_date_is_not_believed() -> None:
    raw = message(message_id=None, date="Tue, 01 Jan 2030 10:00:00 +0000").as_bytes()
    first, again = parse(raw), parse(raw)
    assert first.rfc_id == again.rfc_id and first.rfc_id.endswith("@inquiry-tui.invalid")
    assert first.sent_at == NOW
    assert parse(message(date="not a date").as_bytes()).sent_at == NOW
    early = parse(message(date="Sun, 22 Nov 2026 08:00:00 +0100").as_bytes())
    assert early.sent_at == NOW.replace(day=22, hour=7, minute=0)


def test_a_huge_body_is_cut_with_a_note() -> None:
    m = parse(message(text="x" * (MAX_BODY + 10)).as_bytes())
    assert m.body.startswith("x" * MAX_BODY) and "the text was cut" in m.body


def test_message_id_rules() -> None:
    assert message_ids("<a@b> <c@d>\r\n <e@f>") == ["a@b", "c@d", "e@f"]
    assert message_ids("bare@id.example") == ["bare@id.example"] and message_ids("no id here") == []
    assert clean_id(" <x@y> ") == "x@y" and clean_id("") is None
    chain = references([f"r{i}@x" for i in range(30)], "new@x")
    assert len(chain) == 20 and chain[0] == "r0@x" and chain[-1] == "new@x"
    assert reply_subject("Hello") == "Re: Hello" and reply_subject("RE: AW: Hello") == "Re: Hello"
    assert reply_subject("回复：询价") == "Re: 询价" and reply_subject("") == "Re: your inquiry"
    assert thread_subject("Re:  Fwd: Price   list") == "price list"
    assert [retry_after(n) for n in (0, 1, 2, 3)] == [timedelta(0), *(timedelta(minutes=m) for m in (1, 2, 4))]
    assert retry_after(50) == timedelta(hours=1)


def test_html_to_text_keeps_pre_and_drops_comments() -> None:
    assert html_to_text("<div>a<!-- hidden --></div><pre>x  y</pre><table><tr><td>1</td><td>2</td></tr></table>") == (
        "a\n\nx  y\n\n1 2"
    )
