"""Markdown pages: the same facts as the HTML page, for wikis, tickets and plain text.

Email content is escaped twice over: Markdown punctuation is backslash-escaped (a subject
cannot turn into a link or a heading) and ``<``, ``>``, ``&`` become entities, so viewers
that allow raw HTML in Markdown render it as text.
"""

from __future__ import annotations

import re
from typing import Any

from walkaway.report.facts import parse_time

# Inline markup characters; '(' and ')' are safe once '[' and ']' are escaped.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_LINE_START = re.compile(r"^(\d+(?=[.)])|(?=[-+=]))([-+=.)])")
_SPARK = "▁▂▃▄▅▆▇█"


def md_escape(text: str) -> str:
    """Text safe to place inline in Markdown: no markup, no raw HTML, one line."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # Nor may it start a list, quote or heading when it begins a line.
    return _LINE_START.sub(r"\1\\\2", text)


def md_block(text: str) -> str:
    """Multi-line text as a Markdown blockquote, each line escaped."""
    lines = str(text).strip("\n").splitlines() or [""]
    return "\n".join("> " + md_escape(line) if line.strip() else ">" for line in lines)


def md_fence(text: str) -> str:
    """Text in a fenced code block (kept verbatim, ready to copy); the fence is longer than
    any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def text_sparkline(scores: list[float]) -> str:
    return "".join(_SPARK[min(7, int(max(0.0, min(100.0, s)) / 100 * 7.999))] for s in scores)


def render_prospect_markdown(
    facts: dict[str, Any], *, title: str, people: str, files: dict[str, str]
) -> str:
    """One prospect's page in Markdown."""
    out: list[str] = []
    add = out.append
    as_of = parse_time(facts["as_of"])
    add(f"# {md_escape(title)}")
    add("")
    if people:
        add(md_escape(people))
        add("")
    add(
        f"**{md_escape(facts['recommendation_label'])}** · score **{facts['score']:.0f}**/100 · "
        f"band **{md_escape(facts['band'])}** · as of {as_of.date().isoformat() if as_of else '?'}"
    )
    add("")
    add(md_escape(facts["headline"]))
    add("")
    add(f"{md_escape(facts['action'])} ([HTML page]({files['html']}), [JSON]({files['json']}))")
    add("")
    stats = facts["stats"]
    add(
        f"- Messages: {stats['n_from_prospect']} from them, {stats['n_from_us']} from us, "
        f"in {stats['n_threads']} thread{'' if stats['n_threads'] == 1 else 's'}"
    )
    last = parse_time(stats["last_prospect_reply"])
    add(f"- Last reply from them: {last.date().isoformat() if last else 'never'}")
    if facts["waits"]["median_days"] is not None:
        add(f"- Usual wait for a reply: {facts['waits']['median_days']:.1f} days (median)")
    if facts["waits"]["open"]:
        add(f"- Waiting now: {facts['waits']['open']['days']:.0f} days")
    add("")

    message = facts["next_message"]
    add(f"## What to do now: {md_escape(facts['recommendation_label'].lower())}")
    add("")
    if message["to"]:
        add(f"To: {md_escape(', '.join(message['to']))}  ")
    add(f"Subject: {md_escape(message['subject'])}")
    add("")
    add(md_fence(message["body"]))
    add("")
    if message["grounds"]:
        grounds = "; ".join(
            md_escape(g["label"]) + (f" ({', '.join(g['days'])})" if g["days"] else "")
            for g in message["grounds"]
        )
        add(f"Written from: {grounds}. Review and edit before sending.")
        add("")
    add("### CRM note")
    add("")
    add(md_fence(facts["crm_note"]["text"]))
    add("")

    add("## Why")
    add("")
    for group, heading in ((facts["reasons"], None), (facts["positives"], "Counting for the deal")):
        if heading and group:
            add(f"### {heading}")
            add("")
        for reason in group:
            add(
                f"- **{md_escape(reason['label'])}** (`{reason['code']}`, "
                f"{reason['contribution']:+.1f}): {md_escape(reason['description'])}"
            )
            for item in reason["evidence"]:
                who = item["sender_name"] or item["sender"]
                meta = " · ".join(
                    x
                    for x in (item["day"] or "undated", md_escape(who), md_escape(item["subject"]))
                    if x
                )
                period = f" → {md_escape(item['period'])}" if item["period"] else ""
                add(f"  - {meta}: “{md_escape(item['quote'])}”{period}")
        if group:
            add("")
    if not facts["reasons"] and not facts["positives"]:
        add("No warning signs fired.")
        add("")

    add("## Score by week")
    add("")
    if facts["trajectory"]:
        scores = [t["score"] for t in facts["trajectory"]]
        add(
            f"`{text_sparkline(scores)}` from {facts['trajectory'][0]['day']} "
            f"to {facts['trajectory'][-1]['day']}"
        )
        add("")
        add("| Week to | Score | Band | Recommendation |")
        add("|---|---:|---|---|")
        for t in facts["trajectory"]:
            add(f"| {t['day']} | {t['score']:.1f} | {t['band']} | {t['recommendation']} |")
    else:
        add("No weekly scores.")
    add("")

    pm = facts["post_mortem"]
    if pm:
        add("## Post-mortem: what came first")
        add("")
        add(md_escape(pm["summary"]))
        add("")
        for event in pm["events"]:
            times = f" ({event['times']} times)" if event["times"] > 1 else ""
            label, quote = md_escape(event["label"]), md_escape(event["quote"])
            add(f"1. {event['day']}: **{label}**{times}: {quote}")
        add("")
        add(f"_{md_escape(pm['note'])}_")
        add("")

    add("## Emails, thread by thread")
    add("")
    for thread in facts["threads"]:
        add(f"### {md_escape(thread['subject'] or '(no subject)')}")
        add("")
        for m in thread["messages"]:
            who = m["sender_name"] or m["sender"] or "unknown sender"
            when = m["date"][:16].replace("T", " ") if m["date"] else "undated"
            flags = f" · evidence: {', '.join(m['evidence'])}" if m["evidence"] else ""
            add(f"**{md_escape(who)}** · {when} · {m['direction']}{flags}")
            add("")
            add(md_block(m["text"] if m["text"].strip() else "(no new text)"))
            add("")
    return "\n".join(out).rstrip() + "\n"
