"""Charset labels lie; decoding must keep every character and say when it had to guess."""

from __future__ import annotations

import base64

import pytest

from walkaway.ingest.charsets import codec_for, decode_bytes, decode_header_text

GBK_ONLY = "这是镕和喆"  # 镕 and 喆 are in GBK/GB18030 but not in GB2312


@pytest.mark.parametrize(
    ("text", "label", "encoding"),
    [
        (GBK_ONLY, "gb2312", "gb18030"),
        ("한국어 텍스트 똠방각하", "ks_c_5601-1987", "cp949"),
        ("똠방각하", "euc-kr", "cp949"),
        ("①ハンカク ｶﾅ 髙", "shift_jis", "cp932"),
        ("“quoted” – dash €", "iso-8859-1", "cp1252"),
        ("“smart” quotes", "us-ascii", "cp1252"),
        ("Grüße", "x-unknown", "utf-8"),
        ("café", "x-unknown", "cp1252"),
        ("Привет", "koi8-r", "koi8-r"),
        ("日本語", "iso-2022-jp", "iso2022_jp"),
    ],
)
def test_lying_labels_decode_without_loss(text: str, label: str, encoding: str) -> None:
    decoded, defects = decode_bytes(text.encode(encoding), label)
    assert decoded == text
    assert "charset_replaced" not in defects


def test_superset_codecs_are_honest_not_defects() -> None:
    assert decode_bytes(GBK_ONLY.encode("gb18030"), "GB2312") == (GBK_ONLY, ())
    assert codec_for("ks_c_5601-1987") == "cp949"
    assert codec_for('"Shift_JIS"') == "cp932"
    assert codec_for("x-unknown") is None
    assert codec_for("base64") is None  # a bytes codec is not a charset


def test_utf8_under_a_western_label_is_reported_as_mislabeled() -> None:
    assert decode_bytes("naïve café".encode(), "iso-8859-1") == (
        "naïve café",
        ("charset_mislabeled",),
    )


def test_unknown_label_is_reported() -> None:
    assert decode_bytes("Grüße".encode(), "x-unknown") == ("Grüße", ("charset_unknown",))


def test_utf8_with_stray_cp1252_bytes_keeps_every_character() -> None:
    data = "Prix: 10 €".encode() + b" \x93ok\x94"
    assert decode_bytes(data, "utf-8") == ("Prix: 10 € “ok”", ("charset_mixed",))


def test_replacement_only_as_last_resort_and_reported() -> None:
    text, defects = decode_bytes(b"\x82\xa0 \x82", "shift_jis")  # a cut-off character
    assert "\ufffd" in text
    assert defects == ("charset_replaced",)


def test_ascii_and_empty_inputs_are_clean() -> None:
    assert decode_bytes(b"plain", "gb2312") == ("plain", ())
    assert decode_bytes(b"", None) == ("", ())
    assert decode_bytes("é".encode("utf-8-sig"), "iso-8859-1") == ("é", ())


def test_header_encoded_words_split_inside_a_character_are_joined() -> None:
    data = "日本語".encode()
    first, second = data[:4], data[4:]  # split in the middle of a character

    value = (
        f"=?UTF-8?B?{base64.b64encode(first).decode()}?= "
        f"=?UTF-8?B?{base64.b64encode(second).decode()}?= and more"
    )
    assert decode_header_text(value) == ("日本語 and more", ())


def test_header_decoding_handles_lying_charsets_q_encoding_and_folding() -> None:
    gbk = base64.b64encode(GBK_ONLY.encode("gb18030")).decode()
    assert decode_header_text(f"=?GB2312?B?{gbk}?=")[0] == GBK_ONLY
    assert decode_header_text("=?iso-8859-1?Q?Caf=E9_au_lait?=")[0] == "Café au lait"
    assert decode_header_text("Re: long\n\t subject")[0] == "Re: long\t subject"


def test_raw_8bit_header_bytes_are_decoded_as_utf8_else_cp1252() -> None:
    utf8 = "Grüße".encode().decode("ascii", "surrogateescape")
    cp1252 = "Grüße".encode("cp1252").decode("ascii", "surrogateescape")
    assert decode_header_text(utf8) == ("Grüße", ("header_8bit",))
    assert decode_header_text(cp1252) == ("Grüße", ("header_8bit",))


def test_broken_encoded_word_is_kept_literally() -> None:
    assert decode_header_text("Hi =?utf-8?B?####?=") == (
        "Hi =?utf-8?B?####?=",
        ("header_bad_encoded_word",),
    )
    assert decode_header_text("=?unknown-x?Q?abc?=")[0] == "abc"


def test_raw_iso_2022_jp_header() -> None:
    raw = "メッセージ".encode("iso2022_jp").decode("ascii")
    assert decode_header_text(raw)[0] == "メッセージ"
