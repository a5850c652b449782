"""Header names shared by the event formats (a user, an event name, a time)."""
USER = ("user_id", "userid", "user", "distinct_id", "amplitude_id", "customer_id", "uid", "anonymous_id",
        "person_id", "visitor_id", "account_id", "device_id")
EVENT = ("event", "event_name", "event_type", "action", "event_action")
TIME = ("timestamp", "event_time", "time", "ts", "datetime", "date_time", "created_at", "occurred_at",
        "event_timestamp", "client_event_time", "server_upload_time", "date")
