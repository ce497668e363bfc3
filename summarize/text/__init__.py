"""Text utilities every stage may use: names and their forms."""

OUTLET = "the outlet"
"""Speaker/source name used when the article itself (its reporter) asserts something."""
