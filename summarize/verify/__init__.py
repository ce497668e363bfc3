"""Checking answers against the article: quote grounding, checks, number scanning, dated passages."""
