"""Linear issue CSV exports (ID, Team, Title, Status, Estimate, Labels, Cycle Name, Created, Completed...)."""
from .base import Field, Format

FORMAT = Format(
    kind="work_items", source="linear", label="Linear issues",
    signature=(("id", "team", "title", "status"), ("id", "title", "status", "cycle_name")),
    fields=(
        Field("key", "text", True, ("id", "identifier"), help="issue id, e.g. ENG-12"),
        Field("title", "text", False, ("title",)),
        Field("status", "text", False, ("status",)),
        Field("created", "time", False, ("created", "created_at")),
        Field("resolved", "time", False, ("completed", "completed_at")),
        Field("due", "date", False, ("due_date",)),
        Field("points", "number", False, ("estimate",)),
        Field("sprint", "last", False, ("cycle_name", "cycle_number")),
        Field("epic", "text", False, ("project",)),
        Field("parent_key", "text", False, ("parent_issue", "parent")),
        Field("labels", "labels", False, ("labels",)),
        Field("assignee", "text", False, ("assignee",)),
        Field("priority", "text", False, ("priority",)),
    ),
)
