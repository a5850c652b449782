"""The storage boundary: the only package in Pillars that holds SQL text.

`core` opens and migrates the workspace; one module per area holds that area's queries and, where
the area owns tables, their DDL.
"""
from .core import Store, StoreError, default_db_path, new_id, open_store, utcnow

__all__ = ["Store", "StoreError", "default_db_path", "new_id", "open_store", "utcnow"]
