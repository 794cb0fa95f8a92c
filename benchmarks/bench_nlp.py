"""Throughput of the walkaway language pipeline, in words per second on one core.

Measures the full pipeline (sentences, signal rules, price/value terms, questions) through
``nlp.pipe`` on two kinds of text:

* real mail: the plain-text bodies of ``real-emails/notmuch-corpora/default`` and of the
  fedora-devel mbox in ``../shared/corpora`` (quoted lines and signatures cut, as the clean
  stage would), skipped when the corpora are absent;
* Enron business email: the sentences of ``datasets/parakweet-email-intent`` grouped six
  to a text in file order (real prose, no repeated sentences, so the tokenizer's cache does
  not flatter it);
* synthetic prospect replies: short sales emails assembled from phrases written for this
  benchmark, with a fixed seed. They are dense in the rules' cues (the expensive case), but
  their sentences repeat, which makes tokenizing cheaper than it is on fresh text.

CPU time of this process (``time.process_time``) is the main figure: the machines we run
on are shared, and wall time swings with their load. Each of ``--repeat`` runs builds a
fresh pipeline ("cold": the tokenizer has cached nothing) and then runs the same texts
again ("warm"); best and median are reported, plus the cost of each component and of
turning docs into :class:`walkaway.nlp.TextAnalysis` records.

    python benchmarks/bench_nlp.py [--repeat 5] [--replies 3000] [--corpora PATH]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import gzip
import mailbox
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from spacy.language import Language

from walkaway.nlp import analysis_from_doc, build_pipeline, normalize_text

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = Path(
    os.environ.get("WALKAWAY_CORPORA", PROJECT_ROOT.parent / "shared" / "corpora")
)

GREETINGS = ["Hi Sam,", "Hello Sam,", "Hey Sam -", "Sam,", "Hi there,", "Good morning Sam,", ""]
SIGN_OFFS = ["Thanks,\nDana", "Best,\nDana", "Cheers\nD.", "Regards,\nDana Smith", "Dana", ""]
SENTENCES = [
    "Thanks for sending the proposal over.",
    "Sorry I missed our call yesterday, something came up last minute.",
    "Can we push our Thursday call to next week?",
    "I'm double-booked at 2pm, could we do 3 instead?",
    "Let's revisit this next quarter once budgets are set.",
    "We don't have budget until Q3, so timing isn't great.",
    "Honestly it's not a priority right now.",
    "Can we circle back after the holidays?",
    "I need to run this by my boss before we go any further.",
    "It's not really my call, our CFO decides on anything over $20k.",
    "I'll check with leadership and get back to you.",
    "We need sign-off from procurement and legal.",
    "I don't see how this is different from what we already have.",
    "Not sure what problem this solves for us.",
    "We already have a tool that does most of this.",
    "What's the price per seat, and is there a discount for annual billing?",
    "Your competitor quoted us 30% less, can you match that?",
    "Is there any flexibility on pricing?",
    "We'd need it fully rolled out to every team by next week.",
    "Could you do the pilot at no cost for the first six months?",
    "Maybe, we'll see how things go.",
    "I'm not sure yet, let me think about it.",
    "We're still exploring options and will keep you posted.",
    "The team liked the demo and the reporting looked solid.",
    "Our main goal is to cut the time reps spend on data entry.",
    "What does implementation look like, and how long does onboarding take?",
    "We have about 40 reps in two regions, plus a small ops team.",
    "Tuesday at 3pm works for a follow-up call.",
    "Please send the security questionnaire and the order form.",
    "We're ready to move forward with the pilot in March.",
    "I'm out until Monday, back in the office after that.",
    "Who else from your side should join the next meeting?",
    "Could you share a case study from a company our size?",
    "Our fiscal year starts in July, so new spend usually lands then.",
    "Ping me again in a couple of months and we can take another look.",
]


def synthetic_replies(count: int, seed: int = 7) -> list[str]:
    """Short prospect replies: a greeting, two to seven sentences, a sign-off."""
    rng = random.Random(seed)
    replies = []
    for _ in range(count):
        body = rng.sample(SENTENCES, rng.randint(2, 7))
        paragraphs = [" ".join(body[: len(body) // 2]), " ".join(body[len(body) // 2 :])]
        parts = [rng.choice(GREETINGS), *filter(None, paragraphs), rng.choice(SIGN_OFFS)]
        replies.append("\n\n".join(part for part in parts if part))
    return replies


def _new_text(body: str) -> str:
    """Drop quoted lines and the signature, roughly as the clean stage does."""
    kept = []
    for line in body.splitlines():
        if line.rstrip() in ("--", "-- "):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line)
    return "\n".join(kept).strip()


def _plain_parts(message: email.message.Message) -> Iterable[str]:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                yield payload.decode(part.get_content_charset() or "utf-8", "replace")


def real_mail_bodies(corpora: Path) -> list[str]:
    """New text of the notmuch Maildir messages and of the fedora-devel mbox."""
    bodies: list[str] = []
    maildir = corpora / "real-emails" / "notmuch-corpora" / "default"
    for path in sorted(p for p in maildir.rglob("*") if p.is_file()):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        bodies.extend(_plain_parts(message))
    archive = corpora / "real-emails" / "jwzthreading-fedora-devel" / "2010-January.txt.gz"
    if archive.is_file():
        with tempfile.TemporaryDirectory() as scratch:
            mbox_path = Path(scratch) / "fedora.mbox"
            mbox_path.write_bytes(gzip.decompress(archive.read_bytes()))
            box = mailbox.mbox(mbox_path)
            try:
                for message in box:
                    bodies.extend(_plain_parts(message))
            finally:
                box.close()
    return [text for text in map(_new_text, bodies) if text]


def enron_texts(corpora: Path, per_text: int = 6) -> list[str]:
    """Sentences of the Enron email-intent set, ``per_text`` to a text, labels dropped."""
    folder = corpora / "datasets" / "parakweet-email-intent"
    sentences = []
    for name in ("Ask0729-fixed.txt", "testSet-qualifiedBatch-fixed.txt"):
        path = folder / name
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                _, _, sentence = line.partition("\t")
                if sentence.strip():
                    sentences.append(sentence.strip())
    return [" ".join(sentences[i : i + per_text]) for i in range(0, len(sentences), per_text)]


def _seconds(run: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one call."""
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - started_cpu, time.perf_counter() - started_wall


def _rate(words: int, seconds: list[float]) -> str:
    return f"{words / min(seconds):>9,.0f} best {words / statistics.median(seconds):>9,.0f} median"


def bench(name: str, texts: list[str], repeat: int) -> None:
    texts = [normalize_text(text) for text in texts]
    words = sum(len(text.split()) for text in texts)
    tokens = sum(len(doc) for doc in build_pipeline().tokenizer.pipe(texts))
    print(f"\n{name}: {len(texts)} texts, {words:,} words, {tokens:,} tokens")

    def full(pipeline: Language) -> None:
        for _ in pipeline.pipe(texts, batch_size=256):
            pass

    def tokenize_only(pipeline: Language) -> None:
        for _ in pipeline.tokenizer.pipe(texts):
            pass

    # Cold: a fresh pipeline, so the tokenizer has cached nothing. Warm: the same texts
    # again, as words recur across a large archive.
    cold, warm, wall, tokenize = [], [], [], []
    for _ in range(repeat):
        tokenize.append(_seconds(partial(tokenize_only, build_pipeline()))[0])
        nlp = build_pipeline()
        cpu, elapsed = _seconds(partial(full, nlp))
        cold.append(cpu)
        wall.append(elapsed)
        warm.append(_seconds(partial(full, nlp))[0])
    print(
        f"  full pipeline, cold  {_rate(words, cold)} words/s (CPU)   {_rate(words, wall)} (wall)"
    )
    print(f"  full pipeline, warm  {_rate(words, warm)} words/s (CPU)")
    print(f"  tokenizer, cold      {_rate(words, tokenize)} words/s (CPU)")
    # Each component again on fully processed docs; the sentencizer must overwrite.
    docs = list(nlp.pipe(texts, batch_size=256))
    nlp.get_pipe("email_sentencizer").overwrite = True
    for pipe_name, component in nlp.pipeline:
        seconds = min(
            _seconds(lambda component=component: [component(doc) for doc in docs])[0]
            for _ in range(repeat)
        )
        print(f"  {pipe_name:<20} {seconds / words * 1e6:>6.2f} µs/word")
    seconds = min(
        _seconds(lambda: [analysis_from_doc(doc) for doc in docs])[0] for _ in range(repeat)
    )
    print(f"  {'to TextAnalysis':<20} {seconds / words * 1e6:>6.2f} µs/word")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--replies", type=int, default=3000)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()
    if args.corpora.is_dir():
        bench("Enron business email sentences", enron_texts(args.corpora), args.repeat)
        bench(
            "real mail (notmuch + fedora-devel new text)",
            real_mail_bodies(args.corpora),
            args.repeat,
        )
    else:
        print(f"(real mail skipped: {args.corpora} not found)")
    bench("synthetic prospect replies", synthetic_replies(args.replies), args.repeat)


if __name__ == "__main__":
    main()
