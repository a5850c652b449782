"""Jira 'CSV (all fields)' exports, in English or Spanish, and the words that normalise types and statuses.

Jira repeats columns (Labels, Sprint, Attachment) once per value; labels gather every copy, sprint
keeps the last filled one (the sprint the issue is in now).
"""
from .base import Field, Format

# normalised (lowercase, accents kept) issue type -> category; anything else is 'other'
TYPE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "bug": ("bug", "error", "fallo", "defecto", "defect", "incidente", "incident", "problem", "problema", "errores"),
    "story": ("story", "historia", "user story", "historia de usuario", "feature", "funcionalidad", "mejora", "improvement"),
    "task": ("task", "tarea", "chore"),
    "subtask": ("sub-task", "subtask", "subtarea", "sub-tarea", "sub task"),
    "epic": ("epic", "épica", "epica"),
}
STATUS_CATEGORIES: dict[str, tuple[str, ...]] = {
    "done": ("done", "closed", "resolved", "complete", "completed", "finished", "released", "shipped", "canceled",
             "cancelled", "won't do", "wont do", "duplicate", "listo", "hecho", "finalizado", "finalizada", "cerrado",
             "cerrada", "resuelto", "resuelta", "completado", "completada", "terminado", "cancelado", "merged"),
    "in_progress": ("in progress", "in review", "review", "code review", "testing", "in qa", "qa", "started",
                    "doing", "en curso", "en progreso", "en revisión", "en revision", "en pruebas", "in development"),
    "todo": ("to do", "todo", "open", "backlog", "new", "selected for development", "triage", "unstarted",
             "por hacer", "tareas por hacer", "abierto", "abierta", "pendiente", "nuevo"),
}

_COMMON = (
    Field("key", "text", True, ("issue_key", "clave_de_incidencia", "clave", "key"), help="issue key, e.g. NOM-12"),
    Field("title", "text", False, ("summary", "resumen"), help="summary"),
    Field("type", "text", False, ("issue_type", "tipo_de_incidencia", "tipo_de_issue", "type"), help="issue type as written"),
    Field("status", "text", False, ("status", "estado"), help="status as written"),
    Field("status_category", "text", False, ("status_category", "categoria_de_estado"), help="To Do / In Progress / Done"),
    Field("created", "time", False, ("created", "creada", "creado"), help="created"),
    Field("resolved", "time", False, ("resolved", "resuelta", "resuelto"), help="resolved"),
    Field("due", "date", False, ("due_date", "fecha_de_vencimiento", "fecha_limite"), help="due date"),
    Field("points", "number", False, ("custom_field_story_points", "campo_personalizado_story_points",
                                      "custom_field_story_point_estimate", "campo_personalizado_story_point_estimate",
                                      "story_points", "story_point_estimate"), help="story points"),
    Field("sprint", "last", False, ("sprint",), help="current sprint"),
    Field("epic", "text", False, ("custom_field_epic_link", "campo_personalizado_epic_link", "epic_link"), help="epic key"),
    Field("parent_key", "text", False, ("parent_key", "clave_principal", "clave_de_principal"), help="parent issue key"),
    Field("labels", "labels", False, ("labels", "etiquetas"), help="labels"),
    Field("assignee", "text", False, ("assignee", "persona_asignada", "responsable"), help="assignee"),
    Field("priority", "text", False, ("priority", "prioridad"), help="priority"),
)

FORMAT = Format(
    kind="work_items", source="jira", label="Jira issues (CSV all fields)",
    signature=(("issue_key", "issue_type"), ("issue_key", "summary"), ("clave_de_incidencia",),
               ("clave_de_incidencia", "tipo_de_incidencia")),
    fields=_COMMON, duplicate_headers_ok=True,
)
