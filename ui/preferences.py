"""This workstation's own choices (not the unit's): kept in QSettings, not in the database."""

from PySide6.QtCore import QSettings


class Preferences:
    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings("motcua", "motcua")

    @property
    def direct_print(self) -> bool:
        """Print straight to the default printer, without the preview (issue 5, scope 2)."""
        return self.store.value("print/direct", False, type=bool)

    @direct_print.setter
    def direct_print(self, value: bool) -> None:
        self.store.setValue("print/direct", bool(value))
        self.store.sync()

    @property
    def export_dir(self) -> str:
        """Where end-of-day exports go; empty: the export's own default."""
        return self.store.value("export/folder", "", type=str)

    @export_dir.setter
    def export_dir(self, value: str) -> None:
        self.store.setValue("export/folder", value)
        self.store.sync()
