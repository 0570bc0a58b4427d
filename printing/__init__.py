"""The official forms as PDF bytes: one module per form, sharing frame.py's page.

Each form is a function from domain objects (Dossier, UnitSettings, events, the
officer's name) to PDF bytes; forms.py is the registry that picks the right one for a dossier.
"""
