"""Trained artifacts shipped with walkaway (installed as the ``walkaway.models`` package).

Each model folder holds the artifact (skops, loaded only with an explicit list of trusted
types), a ``card.json`` with data hash, code and library versions, metrics and thresholds,
and a ``MODEL_CARD.md`` for people. Rebuild with the command named in the card.
"""
