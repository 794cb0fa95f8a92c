"""Scoring: the rule prior (default) and trained models, with their reasons."""
