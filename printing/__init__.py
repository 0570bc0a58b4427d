"""The official forms as PDF bytes: one module per form, sharing frame.py's page.

Each form is a function from domain objects (Dossier, UnitSettings, events, the
officer's name) to PDF bytes; counter/forms.py picks the right one for a dossier.
"""
