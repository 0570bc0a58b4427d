"""Qt's own words in Vietnamese: the print and file dialogs, message-box buttons, the
right-click menu of every text field (issue 15: everything an officer sees is Vietnamese).

Qt ships no Vietnamese translation of its own strings, so motcua keeps one:
ui/translations/qtbase_vi.ts, edited with Qt Linguist, compiled with
`pyside6-lrelease ui/translations/qtbase_vi.ts` into the .qm beside it (committed;
tests/ui/test_vietnamese.py checks that it is the compiled .ts).
"""

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

TRANSLATIONS = Path(__file__).with_name("translations")
QT_STRINGS = TRANSLATIONS / "qtbase_vi.qm"


def install(app: QCoreApplication) -> bool:
    """Load the Vietnamese Qt strings into `app` once; whether they are loaded."""
    if app.property("motcua_translated"):
        return True
    translator = QTranslator(app)
    if not translator.load(str(QT_STRINGS)):
        return False
    app.installTranslator(translator)
    app.setProperty("motcua_translated", True)
    return True
