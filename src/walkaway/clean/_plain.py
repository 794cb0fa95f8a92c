"""Split a plain-text email body into new text, quoted history and signature.

The splitter works line by line in two passes, and every regular expression is applied to a
bounded prefix of one line (or of a window of at most four short lines), so the cost is linear
in the size of the body and no pattern can backtrack across a long line.

Pass 1 finds where the history starts. History is either

* lines quoted with ``>`` (anywhere: interleaved answers stay new text), with the attribution
  line or header block just above them ("On <date>, <name> wrote:", "From:/Sent:/To:"), or
* everything from a *cut* on: a forwarded/original-message separator, a header block or an
  attribution that is followed by unquoted old text (Outlook, Gmail forwards, top posting).

Pass 2 looks at each run of remaining lines ("segment") for a sign-off: an RFC 3676 ``-- ``
delimiter, a device footer ("Sent from my iPhone"), a closing ("Best,") followed by a short
name/title/contact block, a line naming the sender, or a bare name on the last line. Legal
disclaimers at the end of a segment and "CAUTION: external sender" banners go with the
signature: they are not the sender's words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from walkaway.clean import _vocab as vocab

# Inserted by the HTML path where a quote container (Yahoo, Outlook, ...) starts.
QUOTE_MARK = "zzwalkawayquotemarkzz"

_SCAN = 300  # characters of a line that the header patterns look at
_WINDOW = 4  # lines an attribution may be wrapped over
_TAIL = 45  # non-blank lines at the end of a segment that may start a signature


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# A line of its own that is only ">:" ends a wrapped "<jane@x.com\n>:" attribution: not a quote.
_QUOTED = re.compile(r"[ \t]*>(?![ \t]*[:：][ \t]*$)")
_VERBS = _alternation(vocab.ATTRIBUTION_VERBS)
_VERB_LAST_WORDS = frozenset(v.split()[-1].lower() for v in vocab.ATTRIBUTION_VERBS)
_CJK_VERBS = tuple(v for v in vocab.ATTRIBUTION_VERBS if not v.isascii() and " " not in v)
_INTRO = re.compile(rf"\W{{0,4}}(?:{_alternation(vocab.ATTRIBUTION_INTROS)})\b", re.I)
_ENDS_WITH_VERB = re.compile(rf"(?:^|[\s>\"')\]])(?:{_VERBS})\s*[:：]?$", re.I)
_HAS_VERB = re.compile(rf"(?:^|[\s>\"')\],])(?:{_VERBS})(?=$|[\s:：])", re.I)
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+|\bmailto:")
_DATETIME = re.compile(
    r"\d{1,2}[:.h]\d{2}|\b(?:19|20)\d{2}\b|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{4}年|\d+月"
)
_WORD = re.compile(r"[^\W\d_][\w'.-]*")
_QUOTED_NAME = re.compile(r"\"[^\"]{0,80}\"|<[^<>]{0,120}>|\([^()]{0,120}\)")
_STARTS_WITH_DIGIT = re.compile(r"\W{0,4}\d")

_SEPARATOR = re.compile(
    rf"[ \t]*(?:[-_=*~]{{2,}}[ \t]*(?:{_alternation(vocab.SEPARATOR_PHRASES)})\b[^\n]{{0,3}}"
    rf"[ \t]*[-_=*~]{{2,}}|(?:{_alternation(vocab.SEPARATOR_PHRASES)})[ \t]*[:：][ \t]*$)",
    re.I,
)
_RULE = re.compile(r"[ \t]*(?:[-_=—–~•]{2,}|(?:\*[ \t]*){3,})[ \t]*$")
_RULE_CHARS = frozenset("-_=—–~•*")
_STRICT_DELIMITER = re.compile(r"[ \t]*(?:--|—|–|―)[ \t]*$")
_KEY_LINE = re.compile(
    r"[ \t]*[*_]{0,2}[ \t]*([^\W\d_][^:：*\n]{0,24}?)[ \t]*[*_]{0,2}[ \t]*[:：][ \t]*[*_]{0,2}"
    r"[ \t]*(.*)"
)
_DEVICE = re.compile(rf"[ \t]*(?:{'|'.join(vocab.DEVICE_LINE_PATTERNS)})", re.I)
_CLOSING = re.compile(
    rf"[ \t]*(?:{_alternation(vocab.CLOSINGS)})[ \t]*[,.!:;…]*[ \t]*(?P<tail>.*)$", re.I
)
# "-Abhishek Kona", "/John": a sign-off, unlike the "- item" of a list.
_DASH_NAME = re.compile(r"[ \t]*[-/~](?=[^\W\d_])([^\n]{1,40})$")
_DISCLAIMER = re.compile("|".join(vocab.DISCLAIMER_PATTERNS), re.I)
_DISCLAIMER_HEADING = re.compile(r"[ \t]*(?:disclaimer|haftungsausschluss|avertissement)\W*$", re.I)
_BANNER = re.compile(vocab.BANNER_PATTERN, re.I)
_CONTACT = re.compile(
    r"@|https?://|www\.|\+?\d[\d ().-]{6,}\d|\b(?:tel|phone|mobile|cell|fax|direct|skype|"
    r"linkedin|t|m|f|p)\b\.?\s*[:.]",
    re.I,
)
# Company registration lines under a signature ("Amtsgericht München HRB 12345", "Registered in
# England No. 123", "VAT GB123"): long, but not prose.
_COMPANY_REGISTRY = re.compile(
    r"\b(?:HRB|HRA|Amtsgericht|Registergericht|Geschäftsführer|Sitz der Gesellschaft|USt-IdNr|"
    r"registered (?:office|in|no)|company (?:no|number|registration)|VAT|SIRE[NT]|RCS|KvK|"
    r"capital social|P\.?IVA|CIF|NIF|Reg\. ?No)\b",
    re.I,
)
_URL_OR_TAG = re.compile(r"<[^<>]*>|\(https?://[^()]*\)|https?://\S+")
_SNIP = re.compile(
    r"[\[<(]?\s*(?:\.\.\.|…)?\s*(?:snip|snipped|schnipp|\.\.\.|…)\s*(?:\.\.\.|…)?\s*[\]>)]?", re.I
)
_SYMBOLS_ONLY = re.compile(r"[\W_]*")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_LOCAL_PART_SEPARATORS = re.compile(r"[._+-]")
_SENTENCE_END = re.compile(r"\w[.!?](?:\s|$)")
_PARTICLES = frozenset(
    ("de", "da", "del", "della", "di", "van", "von", "der", "den", "la", "le", "du", "of",
     "and", "&", "at", "@", "for", "y", "e", "und", "et", "bin", "al", "el", "dos", "das")
)  # fmt: skip
_GENERIC_LOCAL_PARTS = frozenset(
    ("info", "sales", "support", "noreply", "no-reply", "contact", "hello", "team", "admin",
     "mail", "office", "service", "help", "reply", "notifications", "news", "billing", "hr")
)  # fmt: skip

# Line roles.
_TEXT, _QUOTE, _OWN_HEADER, _SIGNATURE, _EXTRA = range(5)


_QUOTE_FIRST_CHARS = frozenset(" \t>")  # a quoted line starts with one of these


def _is_quoted(line: str) -> bool:
    # Most lines fail on their first character: spare them the regex call.
    return line[:1] in _QUOTE_FIRST_CHARS and _QUOTED.match(line) is not None


def _next_nonblank(lines: Sequence[str], start: int, limit: int = 12) -> int | None:
    for k in range(start, min(len(lines), start + limit)):
        if lines[k].strip():
            return k
    return None


def _quote_follows(lines: Sequence[str], start: int) -> bool:
    """Whether quoted lines come next, past blank lines and "[...]"/"<snip>" markers."""
    k = start
    for _ in range(4):
        below = _next_nonblank(lines, k)
        if below is None:
            return False
        if _is_quoted(lines[below]) or lines[below].strip() == QUOTE_MARK:
            return True
        if not _SNIP.fullmatch(lines[below].strip()):
            return False
        k = below + 1
    return False


def _is_separator(stripped: str) -> bool:
    """ "-----Original Message-----", "Begin forwarded message:" and their translations."""
    if not stripped or (stripped[0] not in _RULE_CHARS and not stripped.endswith((":", "："))):
        return False
    return _SEPARATOR.match(stripped[:_SCAN]) is not None


def _header_category(line: str) -> tuple[str, str] | None:
    """The category of a ``Key: value`` header line ("from", "date", ...) and its value."""
    head = line[:40]
    if ":" not in head and "：" not in head:
        return None
    match = _KEY_LINE.match(line[:_SCAN])
    if match is None:
        return None
    key = " ".join(match.group(1).lower().split())
    category = vocab.HEADER_KEYS.get(key)
    if category is None:
        return None
    value = match.group(2).strip(" *_")
    if category == "from" and (not value or value[0].isdigit() or len(value) > 160):
        # "From: 2pm to 4pm" in meeting notes is not a sender.
        return None
    return category, value


def _is_continuation(line: str, previous: str) -> bool:
    stripped = line.strip()
    if len(stripped) > 160:
        return False
    return (
        line[:1] in " \t"
        or stripped.startswith(("<", "(", "[", "mailto:"))
        or "@" in stripped
        or previous.rstrip().endswith(("<", "(", ",", ";"))
    )


def _header_block(lines: Sequence[str], start: int) -> int | None:
    """End line of an Outlook-style header block starting at ``start``, or ``None``.

    A block is two or more ``Key: value`` lines of different kinds (From, Sent/Date, To, Cc,
    Subject, in any of the languages in the vocabulary), which names a sender or a date and a
    subject. A lone "From: the team's point of view" in prose is not a block.
    """
    first = _header_category(lines[start])
    if first is None:
        return None
    categories = {first[0]}
    last, blanks = start, 0
    for k in range(start + 1, min(len(lines), start + 14)):
        line = lines[k]
        if not line.strip():
            blanks += 1
            if blanks > 1:
                break
            continue
        if _is_quoted(line):
            break
        header = _header_category(line)
        if header is not None:
            categories.add(header[0])
            last, blanks = k, 0
        elif blanks == 0 and _is_continuation(line, lines[last]):
            last = k
        else:
            break
    qualifies = len(categories) >= 2 and (
        "from" in categories or {"date", "subject"} <= categories or {"to", "subject"} <= categories
    )
    return last if qualifies else None


def _is_wrap_tail(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not _is_quoted(line) and not stripped[0].isupper()


def _attribution_end(stripped: str) -> bool:
    core = stripped.strip("-–— \t")
    if not core or len(core) > _SCAN:
        return False
    if core.endswith((":", "：")):
        return True
    # Cheap test first: does the line end with the last word of a known verb?
    last = core.rsplit(None, 1)[-1].lower()
    if last not in _VERB_LAST_WORDS and not core.endswith(_CJK_VERBS):
        return False
    return _ENDS_WITH_VERB.search(core[-48:]) is not None


def _ends_sentence(line: str) -> bool:
    """A line that closes a sentence of prose (the dot of "So., 23." in a date does not)."""
    stripped = line.rstrip()
    if not stripped.endswith((".", "!", "?")):
        return False
    return (
        _ADDRESS.search(stripped) is None and "<" not in stripped and not _HAS_VERB.search(stripped)
    )


def _starts_attribution(line: str) -> bool:
    head = line.strip()[:40]
    return (
        _INTRO.match(head) is not None
        or _STARTS_WITH_DIGIT.match(head) is not None
        or head.startswith("-")
    )


_STRONG, _WEAK = 2, 1


def _attribution_strength(joined: str) -> int:
    """How sure we are that ``joined`` is an attribution line: 0, weak or strong.

    Weak ones ("Jane wrote:") only count right above ``>``-quoted lines; strong ones may cut
    the body even when the history below them is not quoted.
    """
    core = joined.strip("-–— \t")
    if len(core) > _SCAN or len(core.split()) > 45:
        return 0
    colon = core.endswith((":", "："))
    intro = _INTRO.match(core) is not None
    address = _ADDRESS.search(core) is not None
    date = _DATETIME.search(core) is not None
    if _ENDS_WITH_VERB.search(core):
        if colon:
            return _STRONG if (intro or address or date) else _WEAK
        return _STRONG if intro and (date or address) else 0
    if not colon:
        return 0
    if address and _HAS_VERB.search(core):
        return _STRONG
    if address and date:
        # Date-first forms: "2017-11-24 16:32 GMT+01:00 Jane <jane@x.com>:". Prose that ends
        # with a colon and mentions an address and a time has many more ordinary words.
        words = _WORD.findall(_QUOTED_NAME.sub(" ", _ADDRESS.sub(" ", core)))
        lower = sum(1 for w in words if w[0].islower())
        if lower <= 5 and len(words) <= 20:
            return _STRONG
    # "El mi=C3=A9, 29 jun ... escribi=C3=B3:": an opening word and a colon still introduce
    # the quote right below, whatever the verb or its encoding.
    return _WEAK if intro and len(core.split()) <= 30 else 0


def _attribution(lines: Sequence[str], end: int) -> tuple[int, int] | None:
    """Start line and strength of an attribution ending at ``end``, or ``None``."""
    start = end
    while (
        end - start < _WINDOW - 1
        and not _starts_attribution(lines[start])
        and start > 0
        and lines[start - 1].strip()
        and not _is_quoted(lines[start - 1])
        and len(lines[start - 1]) <= 200
        and not _ends_sentence(lines[start - 1])
    ):
        start -= 1
    # Prefer the longest window that reads as an attribution ("On <date>, Jane\n<jane@x>\nwrote:").
    for first in range(start, end + 1):
        joined = " ".join(lines[k].strip() for k in range(first, end + 1))
        strength = _attribution_strength(joined)
        if strength:
            return first, strength
    return None


def _find_history(lines: Sequence[str], roles: list[int], own_header_at_top: bool) -> int:
    """Mark quoted lines in ``roles`` and return the index where the history starts."""
    seen_content = False
    i, n = 0, len(lines)
    previous = 0  # the last non-blank line seen
    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        last_quote = i > 0 and roles[previous] == _QUOTE
        previous = i
        if _is_quoted(line):
            roles[i] = _QUOTE
            seen_content = True
            i += 1
            # A long quoted line re-wrapped by a client leaves an unquoted tail ("...pharetra d"
            # / "ignissim odio?"). Up to two such lines, starting lower case, between quoted
            # lines belong to the quote; an inline answer ("Yes.") starts upper case.
            # Both widths need the next line to be a tail: test that once, first.
            wrapped = len(line) >= 50 and i < n and _is_wrap_tail(lines[i])
            for width in (1, 2) if wrapped else ():
                after = i + width
                if (
                    after < n
                    and _is_quoted(lines[after])
                    and all(_is_wrap_tail(lines[k]) for k in range(i, after))
                ):
                    for k in range(i, after):
                        roles[k] = _QUOTE
                    i = after
                    break
            continue
        if stripped == QUOTE_MARK or _is_separator(stripped):
            return i
        snip = len(stripped) <= 20 and _SNIP.fullmatch(stripped) is not None
        if snip and (last_quote or _quote_follows(lines, i + 1)):
            roles[i] = _QUOTE  # "[...]" / "<snip>" stands for cut quoted text
            i += 1
            continue
        if stripped[0] in _RULE_CHARS and _RULE.match(line):
            below = _next_nonblank(lines, i + 1, 4)
            if below is not None and (
                _header_block(lines, below) is not None or _is_separator(lines[below].strip())
            ):
                return i
        end = _header_block(lines, i)
        if end is not None:
            if _quote_follows(lines, end + 1):
                for j in range(i, end + 1):
                    roles[j] = _QUOTE
                i = end + 1
                continue
            if not seen_content and own_header_at_top:
                # A header block that opens the body, with nothing above it, is the message's
                # own header pasted or rendered into the text, not history.
                for j in range(i, end + 1):
                    roles[j] = _OWN_HEADER
                i = end + 1
                continue
            return i
        if _attribution_end(stripped):
            found = _attribution(lines, i)
            if found is not None:
                start, strength = found
                if _quote_follows(lines, i + 1):
                    for j in range(start, i + 1):
                        roles[j] = _QUOTE
                    i += 1
                    continue
                if strength == _STRONG:
                    return start
        seen_content = True
        i += 1
    return n


def _words_outside_urls(stripped: str) -> list[str]:
    return _URL_OR_TAG.sub(" ", stripped).split()


def _is_device_line(stripped: str) -> bool:
    if _DEVICE.match(stripped) is None:
        return False
    words = _words_outside_urls(stripped)
    # "Sent from my desk, is much easier than my mobile phone." is a sentence, not a footer.
    return len(words) <= 8 and "," not in " ".join(words)


def _is_name_like(stripped: str) -> bool:
    text = stripped.strip().rstrip(".,")
    tokens = text.split()
    if not 1 <= len(tokens) <= 5 or len(text) > 50 or text.endswith(("?", "!", ":")):
        return False
    for token in tokens:
        letters = [c for c in token if c.isalpha()]
        if letters and letters[0].islower() and token.lower() not in _PARTICLES:
            return False
    return not (len(tokens) == 1 and tokens[0].lower() in vocab.NOT_A_NAME)


def _block_is_compatible(rest: Sequence[str], limit: int) -> bool:
    """Whether the lines after a sign-off can all be signature: few, short, no prose.

    ``rest`` holds the stripped lines, blank ones included, so wrapped paragraphs show.
    """
    nonblank = [line for line in rest if line]
    if len(nonblank) > limit or not all(_is_compatible(line) for line in nonblank):
        return False
    paragraph: list[str] = []
    for line in [*rest, ""]:
        if line:
            paragraph.append(line)
            continue
        joined = " ".join(paragraph)
        prose = _SENTENCE_END.search(joined) is not None
        if prose and len(joined.split()) > 25 and not _CONTACT.search(joined):
            return False  # a wrapped paragraph of prose (a footnote, a P.S.), not a signature
        paragraph = []
    return True


def _is_compatible(stripped: str) -> bool:
    """Whether a line can belong to a signature block (name, title, company, contact)."""
    if (_CONTACT.search(stripped) or _COMPANY_REGISTRY.search(stripped)) and len(stripped) <= 200:
        return True
    if len(stripped) > 70 or stripped.endswith("?"):
        return False
    words = stripped.split()
    return not (len(words) >= 7 and stripped.endswith((".", "!", ":")))


def _is_signature_line(stripped: str) -> bool:
    return (
        _is_name_like(stripped)
        or _RULE.match(stripped) is not None
        or _is_device_line(stripped)
        or (_CONTACT.search(stripped) is not None and len(stripped) <= 160)
    )


def _closing_tail_ok(tail: str) -> bool:
    tail = tail.strip()
    if not tail or _is_name_like(tail) or _SYMBOLS_ONLY.fullmatch(tail) is not None:
        return True
    # "Med venlig hilsen / Kind regards": the same sign-off in two languages.
    second = tail.lstrip("/|-–— \t")
    match = _CLOSING.match(second)
    return second != tail and match is not None and not match.group("tail")


def _is_closing(stripped: str) -> bool:
    match = _CLOSING.match(stripped[:_SCAN])
    return match is not None and _closing_tail_ok(match.group("tail"))


def sender_tokens(sender: str | None) -> frozenset[str]:
    """Lower-case name parts of a sender string ("Jane Doe <jane.doe@x.com>", "Doe, Jane")."""
    if not sender:
        return frozenset()
    # A real "Name <address>" is far shorter; the address pattern backtracks on a huge one.
    sender = sender[:1000]
    tokens: set[str] = set()
    for address in _ADDRESS.findall(sender):
        local = address.partition("@")[0].lower()
        if local not in _GENERIC_LOCAL_PARTS:
            parts = _LOCAL_PART_SEPARATORS.split(local)
            tokens.update(p for p in parts if len(p) >= 3 and p.isalpha())
    name = _ADDRESS.sub(" ", sender)
    for word in _LETTER_RUN.findall(name):
        if len(word) >= 2 and word.lower() not in _PARTICLES:
            tokens.add(word.lower())
    return frozenset(tokens)


def _names_sender(stripped: str, tokens: frozenset[str]) -> bool:
    if not tokens or len(stripped) > 60 or len(stripped.split()) > 6:
        return False
    words = {w.lower() for w in _LETTER_RUN.findall(stripped)}
    return bool(words & tokens) and _is_name_like(stripped.split(",")[0])


@dataclass(slots=True)
class _SignatureStart:
    position: int  # index into the segment's line list
    history_after: bool = False  # lines after a device footer are old text, not signature


def _is_bare_name(stripped: str) -> bool:
    """A name alone on the last line ("Dan", "Person B."), not a one-word sentence ("Svar.")."""
    words = stripped.split()
    return (
        len(words) <= 3
        and not (len(words) == 1 and stripped.endswith("."))
        and _is_name_like(stripped)
        and all(c.isupper() for c in (w.lstrip("\"'")[:1] for w in words) if c)
    )


def _signature_start(
    seg: Sequence[str], tokens: frozenset[str], text_before: bool
) -> _SignatureStart | None:
    """Where the sign-off of one segment starts (the earliest line that fits), or ``None``.

    Only the last ``_TAIL`` non-blank lines can start one: no rule accepts a longer block, and
    the bound keeps the search linear in the size of the segment.
    """
    nonblank = [p for p, line in enumerate(seg) if line.strip()]
    first_candidate = max(0, len(nonblank) - _TAIL)
    stripped_seg = [line.strip() for line in seg]
    for order in range(first_candidate, len(nonblank)):
        p = nonblank[order]
        stripped = stripped_seg[p]
        after = stripped_seg[p + 1 :]
        rest = [line for line in after if line]
        has_before = order > 0 or text_before
        if _STRICT_DELIMITER.match(seg[p]):
            if len(rest) <= 30:
                return _SignatureStart(p)
            continue
        if _is_device_line(stripped):
            # Old text often follows a phone's footer unquoted; only contact-like lines stay.
            if len(rest) <= 4 and all(_is_signature_line(r) for r in rest):
                return _SignatureStart(p)
            return _SignatureStart(p, history_after=True)
        if has_before and _is_closing(stripped):
            if rest and _is_closing(rest[0]):
                continue  # "Thank you.\nBest regards": the later line is the sign-off
            if not rest:
                return _SignatureStart(p)
            first_ok = _is_name_like(rest[0]) or _RULE.match(rest[0]) or _CONTACT.search(rest[0])
            if first_ok and _block_is_compatible(after, 12):
                return _SignatureStart(p)
            if (_RULE.match(rest[0]) or _STRICT_DELIMITER.match(rest[0])) and len(rest) <= 40:
                return _SignatureStart(p)
            continue
        if _RULE.match(seg[p]):
            # "----" also separates parts of a message: the block after it must read as a
            # signature (a name first, or contact details somewhere).
            looks_signed = any(_CONTACT.search(r) for r in rest) or (
                rest and _is_name_like(rest[0]) and not rest[0].endswith(".")
            )
            if looks_signed and _block_is_compatible(after, 15):
                return _SignatureStart(p)
            continue
        dash_name = _DASH_NAME.match(seg[p])
        if has_before and (
            (dash_name and _is_name_like(dash_name.group(1))) or _names_sender(stripped, tokens)
        ):
            if _block_is_compatible(after, 8):
                return _SignatureStart(p)
            continue
        bare = (
            has_before
            and order > 0
            and not seg[p - 1].strip()
            and all(_is_device_line(r) for r in rest)  # "J\n\nSent from my iPad"
        )
        if bare and _is_bare_name(stripped):
            return _SignatureStart(p)
    return None


def _paragraphs(indices: Sequence[int], lines: Sequence[str]) -> list[list[int]]:
    paragraphs: list[list[int]] = []
    current: list[int] = []
    for k in indices:
        if lines[k].strip():
            current.append(k)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_disclaimer(paragraph: Sequence[int], lines: Sequence[str]) -> bool:
    if len(paragraph) == 1 and _DISCLAIMER_HEADING.match(lines[paragraph[0]]):
        return True
    joined = " ".join(lines[k].strip() for k in paragraph)
    return len(joined) >= 60 and _DISCLAIMER.search(joined[:2000]) is not None


def _segments(roles: Sequence[int], cut: int) -> list[list[int]]:
    segments: list[list[int]] = []
    current: list[int] = []
    for k in range(cut):
        if roles[k] == _TEXT:
            current.append(k)
        elif current:
            segments.append(current)
            current = []
    if current:
        segments.append(current)
    return segments


def _join(lines: Sequence[str], indices: Sequence[int]) -> str:
    """Lines at ``indices``; runs that were apart in the body are joined by one blank line."""
    runs: list[list[str]] = []
    previous = -2
    for k in indices:
        if k != previous + 1:
            runs.append([])
        runs[-1].append(lines[k].rstrip())
        previous = k
    blocks = ["\n".join(run).strip("\n") for run in runs]
    return "\n\n".join(block for block in blocks if block)


def split_plain(
    body: str, sender: str | None = None, *, own_header_at_top: bool = True
) -> tuple[str, str, str]:
    """Split a plain-text body into ``(text, quoted, signature)``."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    roles = [_TEXT] * len(lines)
    cut = _find_history(lines, roles, own_header_at_top)
    for k in range(cut, len(lines)):
        roles[k] = _QUOTE

    # Delivery banners ("CAUTION: This email originated from outside ...") are not new text.
    for segment in _segments(roles, cut):
        for paragraph in _paragraphs(segment, lines):
            joined = " ".join(lines[k].strip() for k in paragraph)
            if len(joined) <= 600 and _BANNER.match(joined):
                for k in paragraph:
                    roles[k] = _EXTRA

    tokens = sender_tokens(sender)
    text_before = False
    for segment in _segments(roles, cut):
        # Legal disclaimers close a segment; peel them off before looking for the sign-off.
        paragraphs = _paragraphs(segment, lines)
        while paragraphs and _is_disclaimer(paragraphs[-1], lines):
            for k in paragraphs.pop():
                roles[k] = _EXTRA
        kept = [k for k in segment if roles[k] == _TEXT]
        seg_lines = [lines[k] for k in kept]
        start = _signature_start(seg_lines, tokens, text_before)
        if start is not None:
            sig_end = start.position + 1 if start.history_after else len(kept)
            for k in kept[start.position : sig_end]:
                roles[k] = _SIGNATURE
            for k in kept[sig_end:]:
                roles[k] = _QUOTE
        if any(roles[k] == _TEXT and lines[k].strip() for k in kept):
            text_before = True

    text = _join(lines, [k for k in range(len(lines)) if roles[k] == _TEXT])
    quoted = _join(lines, [k for k in range(len(lines)) if roles[k] == _QUOTE])
    signature_lines = [k for k in range(len(lines)) if roles[k] == _SIGNATURE]
    extra_lines = [k for k in range(len(lines)) if roles[k] == _EXTRA]
    signature = "\n\n".join(
        part for part in (_join(lines, signature_lines), _join(lines, extra_lines)) if part
    )
    return text, quoted, signature
