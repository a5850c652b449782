"""GitHub issue CSVs (as written by `gh issue list --json ...` converters and export actions: number, title, state...)."""
from .base import Field, Format

FORMAT = Format(
    kind="work_items", source="github", label="GitHub issues",
    signature=(("number", "title", "state"),),
    fields=(
        Field("key", "text", True, ("number", "issue_number")),
        Field("title", "text", False, ("title",)),
        Field("status", "text", False, ("state",)),
        Field("created", "time", False, ("created_at", "created")),
        Field("resolved", "time", False, ("closed_at", "closed")),
        Field("epic", "text", False, ("milestone",)),
        Field("labels", "labels", False, ("labels",)),
        Field("assignee", "text", False, ("assignee", "assignees")),
    ),
)
