"""Linking across articles: actors, claim groups, contradictions, figure comparison, issues — by the model and by rule."""
