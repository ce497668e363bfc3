"""Asking the model: prompts, the model client, parts and bounds, gleaning, the answer cache, recordings."""
