"""The one-stop counter's domain: procedures, calendar, due dates, dossiers.

Plain Python: no Qt and no SQL text here. Storage goes through `db/`.
"""

__version__ = "0.1.0"
