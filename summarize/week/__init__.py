"""The weekly view: stories, the history of briefs, what changed since the last one."""
