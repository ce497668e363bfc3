"""Reading files: text, front matter, header lines, HTML, metadata, the window."""
