"""Trained artifacts shipped with walkaway (installed as the ``walkaway.models`` package).

Each model folder holds the artifact, a ``card.json`` with data hash, code and library
versions, metrics and thresholds, and a ``MODEL_CARD.md`` for people. ``reply-classifier``
is ``model.npz`` (float32 arrays, read with ``allow_pickle=False``) plus ``model.json``
(labels, vectorizer settings, vocabulary): numpy alone runs it, and loading checks every
setting, shape and value. Nothing here is a pickle. Rebuild with the command named in the card.
"""
