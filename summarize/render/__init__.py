"""Writing the brief: Markdown, JSON, the HTML page, and the escaping they share."""
