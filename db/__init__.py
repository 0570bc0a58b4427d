"""Storage: the only package that speaks SQL.

Every function takes a `sqlite_utils.Database` opened by `db.connection.open_database`.
"""
