"""Jira 'CSV (all fields)' exports (English, Spanish, French, German, Portuguese, Italian, Japanese, Dutch), the words
that normalise types and statuses, and a generic work-items format for any other tracker.

Jira repeats columns (Labels, Sprint, Attachment) once per value; labels gather every copy, sprint
keeps the last filled one (the sprint the issue is in now).
"""
from .base import Field, Format

# normalised (lowercase, accents kept) issue type -> category; anything else is 'other'
TYPE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "bug": ("bug", "error", "fallo", "defecto", "defect", "incidente", "incident", "problem", "problema", "errores",
            "bogue", "anomalie", "fehler", "erro", "difetto", "バグ", "fout"),
    "story": ("story", "historia", "user story", "historia de usuario", "feature", "funcionalidad", "mejora", "improvement",
              "récit", "histoire", "história", "storia", "ストーリー", "verhaal", "amélioration", "verbesserung"),
    "task": ("task", "tarea", "chore", "tâche", "aufgabe", "tarefa", "attività", "タスク", "taak"),
    "subtask": ("sub-task", "subtask", "subtarea", "sub-tarea", "sub task", "sous-tâche", "unteraufgabe", "subtarefa",
                "sotto-attività", "sottoattività", "サブタスク", "subtaak"),
    "epic": ("epic", "épica", "epica", "épopée", "epos", "épico", "エピック"),
}
STATUS_CATEGORIES: dict[str, tuple[str, ...]] = {
    "done": ("done", "closed", "resolved", "complete", "completed", "finished", "released", "shipped", "canceled",
             "cancelled", "won't do", "wont do", "duplicate", "listo", "hecho", "finalizado", "finalizada", "cerrado",
             "cerrada", "resuelto", "resuelta", "completado", "completada", "terminado", "cancelado", "merged",
             "terminé", "terminée", "fait", "fermé", "résolu", "fertig", "erledigt", "geschlossen", "concluído", "concluido",
             "fechado", "resolvido", "completato", "chiuso", "risolto", "fatto", "完了", "クローズ", "gereed", "klaar",
             "gesloten", "opgelost"),
    "in_progress": ("in progress", "in review", "review", "code review", "testing", "in qa", "qa", "started",
                    "doing", "en curso", "en progreso", "en revisión", "en revision", "en pruebas", "in development",
                    "en cours", "in arbeit", "em andamento", "em progresso", "in corso", "進行中", "レビュー中", "bezig",
                    "in uitvoering"),
    "todo": ("to do", "todo", "open", "backlog", "new", "selected for development", "triage", "unstarted",
             "por hacer", "tareas por hacer", "abierto", "abierta", "pendiente", "nuevo", "à faire", "ouvert",
             "zu erledigen", "offen", "a fazer", "itens pendentes", "aberto", "da completare", "da fare", "aperto",
             "未着手", "やること", "オープン", "te doen", "open staand"),
}

# Header names as Jira Cloud writes them in each language ("CSV (all fields)"), normalised by base.norm.
# Jira Cloud renamed issues to work items: 'Work type' replaces 'Issue Type' in current exports.
_KEY = ("issue_key", "work_item_key", "clave_de_incidencia", "clave", "cle_de_ticket", "cle", "vorgangsschlussel",
        "schlussel", "chave_do_item", "chave_da_item", "chave", "chiave_ticket", "chiave", "課題キー", "キー",
        "sleutel", "issuesleutel", "key")
_TYPE = ("issue_type", "work_type", "tipo_de_incidencia", "tipo_de_issue", "tipo_de_trabajo", "type_de_ticket",
         "type_de_travail", "vorgangstyp", "arbeitstyp", "tipo_de_item", "tipo_de_trabalho", "tipo_di_ticket",
         "tipo_di_lavoro", "課題タイプ", "作業タイプ", "issuetype", "type_issue", "werktype", "type")
_COMMON = (
    Field("key", "text", True, _KEY, help="issue key, e.g. NOM-12"),
    Field("title", "text", False, ("summary", "resumen", "resume", "zusammenfassung", "resumo", "riepilogo", "要約",
                                   "samenvatting", "title"), help="summary"),
    Field("type", "text", False, _TYPE, help="work (issue) type as written"),
    Field("status", "text", False, ("status", "estado", "etat", "stato", "ステータス"), help="status as written"),
    Field("status_category", "text", False, ("status_category", "categoria_de_estado", "categorie_d_etat",
                                             "categorie_de_statut", "statuskategorie", "categoria_do_status",
                                             "categoria_stato", "categoria_di_stato", "ステータスカテゴリ",
                                             "ステータスカテゴリー", "statuscategorie"),
          help="To Do / In Progress / Done"),
    Field("created", "time", False, ("created", "creada", "creado", "cree", "erstellt", "criado", "creato", "作成日",
                                     "作成日時", "aangemaakt", "gemaakt"), help="created"),
    Field("resolved", "time", False, ("resolved", "resuelta", "resuelto", "resolu", "erledigt", "resolvido", "risolto",
                                      "解決日", "解決日時", "opgelost"), help="resolved"),
    Field("due", "date", False, ("due_date", "fecha_de_vencimiento", "fecha_limite", "date_d_echeance", "echeance",
                                 "falligkeitsdatum", "data_limite", "data_de_vencimento", "data_di_scadenza", "scadenza",
                                 "期限", "vervaldatum"), help="due date"),
    Field("points", "number", False, ("custom_field_story_points", "campo_personalizado_story_points",
                                      "custom_field_story_point_estimate", "campo_personalizado_story_point_estimate",
                                      "champ_personnalise_story_points", "benutzerdefinierte_felder_story_points",
                                      "campo_personalizado_story_point_estimate", "story_points", "story_point_estimate"),
          help="story points"),
    Field("sprint", "last", False, ("sprint", "スプリント"), help="current sprint"),
    Field("epic", "text", False, ("custom_field_epic_link", "campo_personalizado_epic_link", "epic_link"), help="epic key"),
    Field("parent_key", "text", False, ("parent_key", "clave_principal", "clave_de_principal", "parent", "ubergeordnet",
                                        "parent_id", "親"), help="parent issue key"),
    Field("labels", "labels", False, ("labels", "etiquetas", "etiquettes", "stichworter", "etichette", "rotulos", "ラベル",
                                      "labels_nl", "tags"), help="labels"),
    Field("assignee", "text", False, ("assignee", "persona_asignada", "responsable", "zugewiesene_person", "responsavel",
                                      "assegnatario", "担当者", "toegewezen_aan", "toegewezene"), help="assignee"),
    Field("priority", "text", False, ("priority", "prioridad", "priorite", "prioritat", "prioridade", "priorita", "優先度",
                                      "prioriteit"), help="priority"),
)

FORMAT = Format(
    kind="work_items", source="jira", label="Jira issues (CSV all fields)",
    signature=(("issue_key", "issue_type"), ("issue_key", "work_type"), ("issue_key", "summary"),
               ("work_item_key",), ("clave_de_incidencia",), ("cle_de_ticket",), ("vorgangsschlussel",),
               ("chave_do_item",), ("chave_da_item",), ("chiave_ticket",), ("課題キー",), ("issuesleutel",),
               ("sleutel", "samenvatting")),
    fields=_COMMON, duplicate_headers_ok=True,
)

# Any other work-items file (Azure DevOps, Asana, Trello, a spreadsheet): a key plus a type or status.
# It has no tool signature, so the column mapping can always rescue a file no tool format recognises.
GENERIC = Format(
    kind="work_items", source="generic", label="Work items (key, type, status, dates)",
    need_any=(("type", "status", "resolved"),),
    fields=(Field("key", "text", True, (*_KEY, "id", "work_item_id", "ticket", "ticket_id", "issue_id", "item_id",
                                         "issue", "number", "task_id"), help="the item's id or key"),
            *(f if f.name != "type" else Field("type", "text", False, (*_TYPE, "work_item_type", "item_type",
                                                                        "category", "kind"), help=f.help)
              for f in _COMMON[1:])),
    duplicate_headers_ok=True,
)
