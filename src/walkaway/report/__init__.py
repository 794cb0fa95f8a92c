"""Outputs: the contract's tables (CSV, Parquet, JSON) and the per-prospect reports."""
