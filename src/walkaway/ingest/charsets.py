"""Text decoding that never drops characters silently.

Charset labels in real mail lie: ``gb2312`` text carries GBK-only characters, Korean
mailers say ``ks_c_5601-1987`` (a name Python does not know) for what is really cp949,
``iso-8859-1`` and ``us-ascii`` bodies carry Windows-1252 quotes or plain UTF-8, and some
labels (``x-unknown``, ``unknown-8bit``) name nothing at all. Each label is mapped to the
superset codec that mailers actually use, a short chain of plausible codecs is tried
strictly, and only when every one fails is the text decoded with replacement characters,
which is then reported as a defect so that nothing is lost without a trace.

The same rules decode header text: RFC 2047 encoded words and raw 8-bit header bytes.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from functools import lru_cache

# Labels whose text is in practice written with a larger superset codec.
_SUPERSETS: dict[str, str] = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gb2312-80": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "chinese": "gb18030",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "korean": "cp949",
    "euc-kr": "cp949",
    "euckr": "cp949",
    "x-euc-kr": "cp949",
    "windows-949": "cp949",
    "uhc": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "s-jis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "x-ms-cp932": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "csiso2022jp": "iso2022_jp_ext",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "euc-jp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "ansi_x3.4-1968": "ascii",
}

# Labels meaning "plain Western text": the bytes are ASCII, Windows-1252 or, very often,
# UTF-8 that nobody labelled. UTF-8 is tried first because Western 8-bit text is almost
# never valid UTF-8 by accident.
_WESTERN = frozenset(
    {
        "ascii",
        "us-ascii",
        "iso-8859-1",
        "iso8859-1",
        "iso_8859-1",
        "latin1",
        "latin-1",
        "l1",
        "cp819",
        "iso-ir-100",
        "iso-8859-15",
        "latin-9",
        "windows-1252",
        "cp1252",
        "x-user-defined",
    }
)

# Fallback chains, tried strictly in order after the label's own codec.
_WESTERN_CHAIN = ("ascii", "utf-8", "cp1252")
_UNKNOWN_CHAIN = ("utf-8", "cp1252")


def _cp1252_byte_handler(error: UnicodeError) -> tuple[str, int]:
    """Decode the undecodable bytes of a mostly-UTF-8 text as Windows-1252 (then Latin-1)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    chunk = error.object[error.start : error.end]
    return "".join(_single_byte(b) for b in chunk), error.end


def _single_byte(byte: int) -> str:
    try:
        return bytes((byte,)).decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps them to C1 controls.
        return chr(byte)


codecs.register_error("walkaway.cp1252", _cp1252_byte_handler)


@lru_cache(maxsize=256)
def codec_for(label: str | None) -> str | None:
    """Python codec name for a MIME charset label, after superset fix-ups; None if unknown.

    >>> codec_for("GB2312"), codec_for("ks_c_5601-1987"), codec_for("x-unknown")
    ('gb18030', 'cp949', None)
    """
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    # RFC 2231 allows a language suffix ("utf-8*en"); some mailers append junk after ';'.
    name = name.split("*", 1)[0].split(";", 1)[0].strip()
    name = _SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # Only text encodings: "base64", "rot13" and friends are bytes-to-bytes codecs.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return name


def _is_seven_bit_codec(label: str | None) -> bool:
    """ISO-2022-*, UTF-7 and HZ write non-ASCII text with ASCII bytes only."""
    codec = codec_for(label) if label else None
    return codec is not None and codecs.lookup(codec).name.startswith(("iso2022", "utf-7", "hz"))


def _chain(label: str | None) -> tuple[tuple[str, ...], frozenset[str], str]:
    """Codecs to try strictly, the codecs that honour the label, and the last-resort codec."""
    name = (label or "").strip().strip("\"'").lower()
    codec = codec_for(label)
    if not name or name in _WESTERN or codec in ("ascii", "latin-1", "iso8859-1", "cp1252"):
        honest = frozenset({"ascii", "cp1252"}) if name else frozenset(_WESTERN_CHAIN)
        return _WESTERN_CHAIN, honest, "cp1252"
    if codec is None:
        return _UNKNOWN_CHAIN, frozenset(), "utf-8"
    if codecs.lookup(codec).name == "utf-8":
        return ("utf-8",), frozenset({"utf-8"}), "utf-8"
    return (codec, "utf-8"), frozenset({codec}), codec


def decode_bytes(data: bytes, label: str | None) -> tuple[str, tuple[str, ...]]:
    """Decode ``data`` labelled ``label``; returns the text and defect codes (empty when clean).

    Defects: ``charset_unknown`` (the label names no charset), ``charset_mislabeled`` (the
    label's codec failed and another codec decoded the text strictly), ``charset_mixed``
    (UTF-8 with stray Windows-1252 bytes, each kept), ``charset_replaced`` (last resort:
    undecodable bytes became U+FFFD).
    """
    if not data:
        return "", ()
    if data.isascii() and not _is_seven_bit_codec(label):
        return data.decode("ascii"), ()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        label = "utf-8"
    chain, honest, last_resort = _chain(label)
    defects: list[str] = []
    if label and not honest:
        defects.append("charset_unknown")
    for codec in chain:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if honest and codec not in honest:
            defects.append("charset_mislabeled")
        return text, tuple(defects)
    if last_resort == "utf-8":
        # Mostly UTF-8 with a few Windows-1252 bytes mixed in (a common copy-paste result):
        # keep every byte instead of replacing it.
        defects.append("charset_mixed")
        return data.decode("utf-8", "walkaway.cp1252"), tuple(defects)
    defects.append("charset_replaced")
    return data.decode(last_resort, "replace"), tuple(defects)


def decode_8bit_header(value: str, charset_hint: str | None = None) -> tuple[str, bool]:
    """Undo the stdlib's surrogate escaping of raw 8-bit header bytes.

    Raw header bytes are tried as UTF-8, then as ``charset_hint`` (the charset the message
    declares for its text: mailers that send raw headers write them in the body's
    charset), then as Windows-1252. Returns the text and whether raw 8-bit bytes were present.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raw = value.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("utf-8"), True
        except UnicodeDecodeError:
            pass
        codec = codec_for(charset_hint)
        if codec is not None and codec not in ("ascii", "utf-8"):
            try:
                return raw.decode(codec), True
            except UnicodeDecodeError:
                pass
        return raw.decode("utf-8", "walkaway.cp1252"), True
    return value, False


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=]")
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_FOLDING = re.compile(r"\r?\n(?=[ \t])")


def _word_bytes(encoding: str, text: str) -> bytes | None:
    try:
        if encoding in "bB":
            if _NOT_BASE64.search(text):
                return None
            text = text.rstrip("=")
            return base64.b64decode(text + "=" * (-len(text) % 4))
        return binascii.a2b_qp(text.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return None


def decode_header_text(
    value: str | None, charset_hint: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """Decode a raw header value: unfold, raw 8-bit bytes, RFC 2047 encoded words.

    ``charset_hint`` is the message's declared text charset, used for raw 8-bit bytes
    that are not UTF-8 (see :func:`decode_8bit_header`). Adjacent encoded words of one
    charset are joined before decoding, because mailers split multi-byte characters
    across them. Returns the text and defect codes.
    """
    if not value:
        return "", ()
    if not isinstance(value, str):
        value = str(value)
    text = _FOLDING.sub("", value)
    text, had_8bit = decode_8bit_header(text, charset_hint)
    defects: list[str] = ["header_8bit"] if had_8bit else []
    if "\x1b" in text:
        # Raw ISO-2022-JP (7-bit escape sequences, no RFC 2047), from Japanese mailers.
        try:
            text = text.encode("ascii").decode("iso2022_jp_ext")
            defects.append("header_raw_iso2022jp")
        except UnicodeError:
            pass
    if "=?" not in text:
        return text.strip(), tuple(defects)
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None
    position = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            decoded, word_defects = decode_bytes(b"".join(pending), pending_charset)
            out.append(decoded)
            defects.extend(word_defects)
        pending, pending_charset = [], None

    for match in _ENCODED_WORD.finditer(text):
        gap = text[position : match.start()]
        charset = match.group(1).split("*", 1)[0].lower()
        data = _word_bytes(match.group(2), match.group(3))
        if data is None:
            # Broken encoded word: keep it literally rather than dropping it.
            flush()
            out.append(gap + match.group(0))
            defects.append("header_bad_encoded_word")
            position = match.end()
            continue
        # RFC 2047: whitespace between two encoded words is not displayed.
        if pending and _BETWEEN_WORDS.fullmatch(gap) and charset == pending_charset:
            pending.append(data)
        else:
            if not (pending and _BETWEEN_WORDS.fullmatch(gap)):
                flush()
                out.append(gap)
            else:
                flush()
            pending, pending_charset = [data], charset
        position = match.end()
    flush()
    out.append(text[position:])
    return "".join(out).strip(), tuple(dict.fromkeys(defects))


def valid_unicode(text: str) -> str:
    """``text`` with every lone surrogate turned into a real character.

    The stdlib mail parser keeps undecodable header bytes as surrogate escapes
    (``\\udcb8``), and so does Python for file names that are not UTF-8. Such strings cannot
    be written as UTF-8 (CSV, JSON, Parquet all refuse them), so ingest hands on none: the
    escaped bytes are decoded as Windows-1252 (the same rule as for 8-bit text), any other
    lone surrogate becomes U+FFFD. Deterministic, so an id stays the same wherever it occurs.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "walkaway.cp1252")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
