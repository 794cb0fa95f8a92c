"""Signals: named, evidence-carrying observations about a prospect (timing, language)."""
