"""An export whose subjects, display names and bodies carry HTML/JS payloads.

Every payload, if it ever became markup, would either set ``window.__pwned`` or request a
URL of the recording server; the tests prove neither happens. Sentences that fire signals
carry payloads too, so they reach the evidence quotes, the headline, the CRM note and the
suggested message, not only the thread view.
"""

from __future__ import annotations

from pathlib import Path


def payloads(base: str) -> dict[str, str]:
    return {
        "script": f"<script>window.__pwned='script';fetch('{base}/script')</script>",
        "img": f'<img src="{base}/img" onerror="window.__pwned=\'img\'">',
        "iframe": f'<iframe src="{base}/iframe"></iframe>',
        "link": f'<link rel="stylesheet" href="{base}/link">',
        "style": f"<style>@import url({base}/style-import);</style>",
        "refresh": f'<meta http-equiv="refresh" content="0;url={base}/refresh">',
        "svg": f'<svg onload="window.__pwned=\'svg\'"><image href="{base}/svg-image"/></svg>',
        "js_link": "<a href=\"javascript:window.__pwned='js-link'\">open</a>",
        "breakout": f"</pre></details></textarea><script>window.__pwned='breakout'</script>"
        f'<img src="{base}/breakout">',
        "attribute": f"\"><img src=x onerror=\"window.__pwned='attr';fetch('{base}/attr')\">",
        "template": "{{ 7*7 }} {% if true %}jinja{% endif %}",
        "markdown": f"[click]({base}/md-link) ![img]({base}/md-img)",
        "base": f'<base href="{base}/base/">',
        "object": f'<object data="{base}/object"></object><embed src="{base}/embed">',
    }


def payload_mbox(base: str) -> bytes:
    """An mbox: our rep and a prospect whose every header and body is hostile."""
    p = payloads(base)
    all_payloads = " ".join(p.values())
    name = p["img"].replace('"', "'")
    subject = f"Pilot {p['script']}{p['img']}"
    messages = [
        (
            "Dana Whitfield <dana@lumora.io>",
            f'"{name}" <jane@acme-payload.com>',
            subject,
            "Mon, 03 Aug 2026 09:00:00 +0000",
            "a1@lumora.io",
            "",
            f"Hi Jane,\n\nHere is the proposal. When could we start? {p['attribute']}\n\nDana",
        ),
        (
            f'"{name}" <jane@acme-payload.com>',
            "Dana Whitfield <dana@lumora.io>",
            f"Re: {subject}",
            "Tue, 04 Aug 2026 13:00:00 +0000",
            "b1@acme-payload.com",
            "a1@lumora.io",
            "Hi Dana,\n\n"
            f"We'll revisit this next quarter {p['img']} once the budget is set.\n"
            f"Honestly I still don't see how this is different from our spreadsheets {p['svg']}.\n"
            f"What's the best discount you can do {p['script']}?\n\n"
            f"{all_payloads}\n\n"
            f"Jane\n--\nJane {p['breakout']}\nPhone +1 (617) 555-0100\n",
        ),
        (
            "Dana Whitfield <dana@lumora.io>",
            f'"{name}" <jane@acme-payload.com>',
            f"Re: {subject}",
            "Mon, 10 Aug 2026 09:00:00 +0000",
            "a2@lumora.io",
            "b1@acme-payload.com",
            f"Hi Jane,\n\nUnderstood. Who else is involved in the decision? {p['link']}\n\nDana",
        ),
        (
            f'"{name}" <jane@acme-payload.com>',
            "Dana Whitfield <dana@lumora.io>",
            f"Re: {subject}",
            "Mon, 14 Sep 2026 15:00:00 +0000",
            "b2@acme-payload.com",
            "a2@lumora.io",
            "Hi Dana,\n\nBudgets are frozen until after the new year, sorry "
            f"{p['breakout']}.\nIt's not my call {p['iframe']}.\n\nJane",
        ),
        (
            "Dana Whitfield <dana@lumora.io>",
            f'"{name}" <jane@acme-payload.com>',
            f"Re: {subject}",
            "Mon, 21 Sep 2026 09:00:00 +0000",
            "a3@lumora.io",
            "b2@acme-payload.com",
            f"Hi Jane,\n\nAny news? {p['refresh']}\n\nDana",
        ),
        (
            "Dana Whitfield <dana@lumora.io>",
            f'"{name}" <jane@acme-payload.com>',
            f"Re: {subject}",
            "Mon, 12 Oct 2026 09:00:00 +0000",
            "a4@lumora.io",
            "b2@acme-payload.com",
            f"Hi Jane,\n\nChecking in once more. {p['style']}\n\nDana",
        ),
        (
            "Dana Whitfield <dana@lumora.io>",
            f'"{name}" <jane@acme-payload.com>',
            f"Re: {subject}",
            "Mon, 09 Nov 2026 09:00:00 +0000",
            "a5@lumora.io",
            "b2@acme-payload.com",
            f"Hi Jane,\n\nLast note from me. {p['js_link']} {p['markdown']}\n\nDana",
        ),
    ]
    out = []
    for sender, to, subj, date, mid, reply_to, body in messages:
        address = sender.rpartition("<")[2].rstrip(">")
        headers = [
            f"From {address} Mon Aug  3 09:00:00 2026",
            f"From: {sender}",
            f"To: {to}",
            f"Subject: {subj}",
            f"Date: {date}",
            f"Message-ID: <{mid}>",
            "Delivered-To: dana@lumora.io",
            "Content-Type: text/plain; charset=utf-8",
        ]
        if reply_to:
            headers += [f"In-Reply-To: <{reply_to}>", f"References: <{reply_to}>"]
        text = body.replace("\nFrom ", "\n>From ")
        out.append("\n".join(headers) + "\n\n" + text + "\n")
    return "\n".join(out).encode("utf-8")


def write_payload_export(folder: Path, base: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "payloads.mbox"
    path.write_bytes(payload_mbox(base))
    return path
