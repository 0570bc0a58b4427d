"""This workstation's own choices (not the unit's): kept in QSettings, not in the database."""

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths


class Preferences:
    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings("motcua", "motcua")

    def _set(self, key: str, value) -> None:
        self.store.setValue(key, value)
        self.store.sync()

    @property
    def direct_print(self) -> bool:
        """Print straight to the default printer, without the preview (issue 5, scope 2)."""
        return bool(self.store.value("print/direct", False, type=bool))

    @direct_print.setter
    def direct_print(self, value: bool) -> None:
        self._set("print/direct", bool(value))

    @property
    def export_dir(self) -> str:
        """Where end-of-day exports go; empty: the export's own default."""
        return str(self.store.value("export/folder", "", type=str))

    @export_dir.setter
    def export_dir(self, value: str) -> None:
        self._set("export/folder", value)

    @property
    def scan_dir(self) -> str:
        """Where the scanner saves its files: the file dialogs for scans open there
        (default: the user's Documents)."""
        chosen = str(self.store.value("scans/folder", "", type=str))
        return chosen or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    @scan_dir.setter
    def scan_dir(self, value: str) -> None:
        self._set("scans/folder", value)

    @property
    def maximized(self) -> bool:
        """The main window opens maximised unless the officer last left it smaller."""
        return bool(self.store.value("window/maximized", True, type=bool))

    @maximized.setter
    def maximized(self, value: bool) -> None:
        self._set("window/maximized", bool(value))

    @property
    def geometry(self) -> QByteArray:
        """The main window's last normal (not maximised) place and size."""
        value = self.store.value("window/geometry", QByteArray())
        return value if isinstance(value, QByteArray) else QByteArray()

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    @property
    def citizen_screen(self) -> bool:
        """Show the citizen's rating window (on a second screen when there is one)."""
        return bool(self.store.value("citizen/screen", True, type=bool))

    @citizen_screen.setter
    def citizen_screen(self, value: bool) -> None:
        self._set("citizen/screen", bool(value))
