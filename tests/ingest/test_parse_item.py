"""The mail-parser adapter: every Message field, every quarantine reason."""

from __future__ import annotations

import base64
import logging
import pickle
import quopri
from datetime import UTC, datetime

import pytest

from walkaway.ingest import parse
from walkaway.ingest.parse import parse_item
from walkaway.types import Address, Attachment, Message, Quarantined, RawItem


def raw(text: str | bytes, **kwargs: object) -> RawItem:
    data = text.encode() if isinstance(text, str) else text
    return RawItem("test.mbox", "message 1", data, **kwargs)  # type: ignore[arg-type]


def parsed(text: str | bytes, **kwargs: object) -> Message:
    result = parse_item(raw(text, **kwargs))
    assert isinstance(result, Message), result
    return result


THREAD_INDEX = base64.b64encode(bytes(range(22)) + b"\x01\x02\x03\x04\x05").decode()

FULL = f"""\
Received: from mx.example.org by mx.example.com; Tue, 17 Mar 2020 10:20:00 +0000
From: =?utf-8?q?J=C3=BCrgen_Gro=C3=9F?= <Juergen@Example.DE>
To: "Lee, Ann" <ann@example.com>, bob@example.org
Cc: unlisted-recipients:;
Reply-To: sales@example.de
Delivered-To: ann@example.com
X-Original-To: team@example.com
Subject: =?utf-8?B?UmU6IEFuZ2Vib3Qgw7xiZXIgMTAgTGl6ZW56ZW4=?=
Date: Tue, 17 Mar 2020 11:18:40 +0100
Message-ID: < 20200317.1@mail.example.de >
In-Reply-To: <root@example.com> (Ann's message of Monday)
References: <root@example.com>
 <middle@example.com> <> <root@example.com>
 <20200317.1@mail.example.de>
X-GM-THRID: 1661371890195467111
X-Gmail-Labels: Inbox,"Deals, 2020",Sent
Thread-Index: {THREAD_INDEX}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hallo Ann,
danke für das Gespräch.
"""


def test_every_field_of_a_full_message() -> None:
    message = parsed(FULL, labels=("Archive",))
    assert message.id == message.message_id == "20200317.1@mail.example.de"
    assert (message.source, message.location) == ("test.mbox", "message 1")
    assert message.date == datetime(2020, 3, 17, 10, 18, 40, tzinfo=UTC)
    assert message.date_source == "header"
    assert message.utc_offset_minutes == 60
    assert message.sender == Address("juergen@example.de", "Jürgen Groß")
    assert message.to == (Address("ann@example.com", "Lee, Ann"), Address("bob@example.org"))
    assert message.cc == ()
    assert message.reply_to == (Address("sales@example.de"),)
    assert message.delivered_to == ("ann@example.com", "team@example.com")
    assert message.subject == "Re: Angebot über 10 Lizenzen"
    assert message.body == "Hallo Ann,\ndanke für das Gespräch."
    assert not message.body_from_html
    assert message.in_reply_to == "root@example.com"
    assert message.references == ("root@example.com", "middle@example.com")
    assert message.provider_thread_id == "gm:1661371890195467111"
    assert message.thread_index == bytes(range(22)).hex()
    assert message.labels == ("Inbox", "Deals, 2020", "Sent", "Archive")
    assert message.size == len(FULL.encode())
    assert not (message.is_auto_reply or message.is_bounce or message.calendar_method)
    assert message.defects == ()


def test_results_are_picklable_for_worker_processes() -> None:
    item = raw(FULL)
    assert pickle.loads(pickle.dumps(item)) == item
    message = parse_item(item)
    assert pickle.loads(pickle.dumps(message)) == message


def test_missing_message_id_gets_a_content_hash_stable_across_exports() -> None:
    body = "Grüße aus Köln, wir melden uns.\n"
    headers = "From: Ann <ann@example.com>\nSubject: Hi\nDate: Tue, 17 Mar 2020 10:18:40 +0000\n"
    qp = quopri.encodestring(body.encode()).decode()
    b64 = base64.encodebytes(body.encode()).decode()
    as_qp = headers + "Content-Type: text/plain; charset=utf-8\n"
    as_qp += "Content-Transfer-Encoding: quoted-printable\n\n" + qp
    as_b64 = "X-Gmail-Labels: Inbox\r\n" + headers.replace("\n", "\r\n")
    as_b64 += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    as_b64 += b64.replace("\n", "\r\n")
    first, second = parsed(as_qp), parsed(as_b64)
    assert first.message_id == ""
    assert first.id.startswith("sha256:") and len(first.id) == len("sha256:") + 64
    assert first.id == second.id
    assert parsed(as_qp.replace("melden", "schreiben")).id != first.id


def test_thread_index_garbage_is_dropped_with_a_defect() -> None:
    message = parsed("From: a@b.c\nSubject: x\nThread-Index: not/base64!!\n\nbody\n")
    assert message.thread_index == ""
    assert "thread_index_invalid" in message.defects


@pytest.mark.parametrize(
    ("date_header", "source", "defect"),
    [
        ("", "received", "date_missing"),
        ("Date: garbage\n", "received", "date_unparseable"),
        ("Date: Thu, 01 Jan 1970 00:00:00 +0000\n", "received", "date_absurd"),
    ],
)
def test_bad_dates_fall_back_to_the_newest_received_header(
    date_header: str, source: str, defect: str
) -> None:
    text = (
        "Received: from a by b; Wed, 18 Mar 2020 09:00:00 -0400\n"
        "Received: from c by d; Tue, 17 Mar 2020 09:00:00 -0400\n"
        f"{date_header}From: a@b.c\nSubject: x\n\nbody\n"
    )
    message = parsed(text)
    assert message.date == datetime(2020, 3, 18, 13, 0, tzinfo=UTC)
    assert message.date_source == source
    assert message.utc_offset_minutes is None
    assert defect in message.defects


def test_no_date_anywhere() -> None:
    message = parsed("From: a@b.c\nSubject: x\n\nbody\n")
    assert (message.date, message.date_source) == (None, "none")
    assert "date_missing" in message.defects


def test_lenient_dates_are_still_read() -> None:
    message = parsed("From: a@b.c\nDate: 17 Mar 2020 10:18 EST\n\nbody\n")
    assert message.date == datetime(2020, 3, 17, 15, 18, tzinfo=UTC)


def test_raw_8bit_headers_are_decoded_as_utf8_or_cp1252() -> None:
    text = "From: Jürgen <j@example.de>\nSubject: Grüße\n\nbody\n".encode()
    message = parsed(text)
    assert message.subject == "Grüße"
    assert message.sender == Address("j@example.de", "Jürgen")
    cp1252 = "From: j@example.de\nSubject: “Angebot”\n\nbody\n".encode("cp1252")
    assert parsed(cp1252).subject == "“Angebot”"


def test_lying_body_charsets_keep_every_character() -> None:
    gbk = "这是镕和喆的报价"
    message = parsed(
        b"From: a@b.cn\nSubject: x\nContent-Type: text/plain; charset=gb2312\n"
        b"Content-Transfer-Encoding: 8bit\n\n" + gbk.encode("gb18030")
    )
    assert message.body == gbk
    unknown = parsed(
        b"From: a@b.ca\nContent-Type: text/plain; charset=X-UNKNOWN\n\nEnvoy\xc3\xa9 par Bell"
    )
    assert unknown.body == "Envoyé par Bell"
    assert "charset_unknown" in unknown.defects


MULTIPART = """\
From: Ann <ann@example.com>
Subject: Offer
Message-ID: <offer@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8

Plain text wins.
--alt
Content-Type: text/html; charset=utf-8

<p>HTML loses.</p>
--alt--
--outer
Content-Type: application/pdf; name="=?utf-8?B?QW5nZWJvdC5wZGY=?="
Content-Disposition: attachment
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer
Content-Type: application/octet-stream
Content-Disposition: attachment; filename*=utf-8''Pr%C3%A4sentation.pptx
Content-Transfer-Encoding: base64

AAECAwQ=
--outer--
"""


def test_plain_text_is_preferred_and_attachments_are_metadata_only() -> None:
    message = parsed(MULTIPART)
    assert message.body == "Plain text wins."
    assert not message.body_from_html
    assert message.attachments == (
        Attachment("Angebot.pdf", "application/pdf", 9),
        Attachment("Präsentation.pptx", "application/octet-stream", 5),
    )


def test_html_only_body_is_converted() -> None:
    message = parsed(
        "From: a@b.c\nContent-Type: text/html; charset=utf-8\n\n"
        "<div>Thanks,</div><blockquote>Earlier mail</blockquote>"
    )
    assert message.body == "Thanks,\n\n> Earlier mail"
    assert message.body_from_html


def test_inline_forwarded_message_is_kept_after_a_marker() -> None:
    text = (
        'From: a@b.c\nSubject: Fwd: pricing\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nSee below.\n"
        "--b\nContent-Type: message/rfc822\nContent-Disposition: inline\n\n"
        "From: Prospect <p@client.com>\nSubject: pricing\n\nToo expensive for us.\n"
        "--b--\n"
    )
    message = parsed(text)
    assert message.body.startswith("See below.\n\n---------- Forwarded message ---------\n")
    assert "From: Prospect <p@client.com>" in message.body
    assert message.body.endswith("Too expensive for us.")


DSN = """\
From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: ann@example.com
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.
--r
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; Gone@Client.com
Original-Recipient: rfc822;gone@client.com
Action: failed
Status: 5.1.1
--r
Content-Type: message/rfc822

From: ann@example.com
Subject: Proposal

Hello
--r--
"""


def test_delivery_status_report_is_a_bounce_and_not_an_auto_reply() -> None:
    message = parsed(DSN)
    assert message.is_bounce
    assert message.bounced_recipients == ("gone@client.com",)
    assert not message.is_auto_reply
    assert message.body.startswith("I'm sorry")
    assert "Hello" not in message.body  # the returned message is not new text


def test_out_of_office_reply_is_flagged_with_its_reason() -> None:
    message = parsed(
        "From: p@client.com\nSubject: Automatic reply: Proposal\n"
        "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n\nI am away.\n"
    )
    assert message.is_auto_reply
    assert message.auto_reply_reason == "auto-submitted:auto-replied"


def test_calendar_reply_fields() -> None:
    ics = (
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:p@client.com\r\n"
        "DTSTART;TZID=W. Europe Standard Time:20240610T100000\r\n"
        "SUMMARY:Demo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    encoded = base64.encodebytes(ics.encode()).decode()
    message = parsed(
        "From: p@client.com\nSubject: Accepted: Demo\n"
        'Content-Type: multipart/alternative; boundary="c"\n\n'
        "--c\nContent-Type: text/plain\n\nAccepted.\n"
        "--c\nContent-Type: text/calendar; method=REPLY; charset=utf-8\n"
        f"Content-Transfer-Encoding: base64\n\n{encoded}--c--\n"
    )
    assert message.calendar_method == "REPLY"
    assert message.calendar_partstat == "ACCEPTED"
    assert message.calendar_start == datetime(2024, 6, 10, 8, 0, tzinfo=UTC)
    assert message.calendar_summary == "Demo"
    assert message.attachments == ()  # an inline calendar part is not an attachment


def test_hostile_nesting_does_not_crash() -> None:
    depth = 200
    text = "From: a@b.c\nSubject: deep\n"
    for level in range(depth):
        text += f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n'
    text += "Content-Type: text/plain\n\ncore\n"
    result = parse_item(raw(text))
    assert isinstance(result, Message | Quarantined)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"\n \n", "empty"),
        (b"just some text\nwithout any header\n", "no_headers"),
        (b"Foo: bar\nBaz: qux\n\nno mail header here\n", "no_headers"),
    ],
)
def test_unusable_items_are_quarantined_with_a_reason(data: bytes, reason: str) -> None:
    result = parse_item(raw(data))
    assert isinstance(result, Quarantined)
    assert (result.reason, result.source, result.location) == (reason, "test.mbox", "message 1")
    assert result.detail


def test_size_limit_is_configurable() -> None:
    result = parse_item(raw(FULL), max_bytes=100)
    assert isinstance(result, Quarantined) and result.reason == "too_large"


def test_garbage_outlook_file_is_quarantined() -> None:
    item = RawItem("x.msg", "", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, kind="msg")
    result = parse_item(item)
    assert isinstance(result, Quarantined) and result.reason == "msg_unreadable"


def test_adapter_failure_falls_back_to_a_full_mailparser_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(_: RawItem) -> Message:
        raise ValueError("adapter bug")

    monkeypatch.setattr(parse, "_parse_rfc822", broken)
    message = parse_item(raw(FULL))
    assert isinstance(message, Message)
    assert message.id == "20200317.1@mail.example.de"
    assert message.subject == "Re: Angebot über 10 Lizenzen"
    assert "fallback_mailparser" in message.defects


def test_mailparser_chatter_never_reaches_the_user() -> None:
    assert not logging.getLogger("mailparser").isEnabledFor(logging.WARNING)
    assert not logging.getLogger("extract_msg").isEnabledFor(logging.WARNING)


def test_raw_8bit_header_in_the_body_charset_uses_it_as_a_hint() -> None:
    subject = "報價單與合約"
    text = (
        b"From: a@example.tw\nSubject: " + subject.encode("big5") + b"\n"
        b"Content-Type: text/plain; charset=big5\n\n" + "請參考附件".encode("big5")
    )
    message = parsed(text)
    assert message.subject == subject
    assert message.body == "請參考附件"
