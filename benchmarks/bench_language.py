"""Throughput of the whole language stage, in words per second on one core.

What ``analyze`` runs on every prospect reply: the spaCy rule pipeline (sentences, rules,
questions, deferral dates) **plus** the trained classifier on the whole text and, where a
label fires, on each sentence to find the evidence (:func:`walkaway.nlp.classify.label_texts`).
Texts are the same as in ``bench_nlp.py`` (real mail bodies, Enron sentences, synthetic
prospect replies). CPU time of this process is the figure (the machine is shared).

    python benchmarks/bench_language.py [--repeat 3] [--replies 3000]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench_nlp import DEFAULT_CORPORA, enron_texts, real_mail_bodies, synthetic_replies

from walkaway.nlp import get_pipeline
from walkaway.nlp.classifier import get_classifier
from walkaway.nlp.classify import label_texts


def bench(name: str, texts: list[str], repeat: int) -> float:
    words = sum(len(t.split()) for t in texts)
    rates = []
    for _ in range(repeat):
        started = time.process_time()
        for start in range(0, len(texts), 256):
            label_texts(texts[start : start + 256])
        rates.append(words / (time.process_time() - started))
    median = statistics.median(rates)
    print(f"{name:<34} {len(texts):>6} texts {words:>8} words  {median:>9,.0f} words/s (median)")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--replies", type=int, default=3000)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args()
    get_pipeline()
    get_classifier()  # loading is a one-off cost per process, not per word
    sets = {"synthetic prospect replies": synthetic_replies(args.replies)}
    if args.corpora.is_dir():
        sets["real mail (notmuch + fedora)"] = real_mail_bodies(args.corpora)
        sets["Enron business email"] = enron_texts(args.corpora)
    for name, texts in sets.items():
        bench(name, texts, args.repeat)


if __name__ == "__main__":
    main()
