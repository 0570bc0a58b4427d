"""Qt's own dialogs and menus speak Vietnamese (issue 15).

The print dialog, the file dialog, message-box buttons and the right-click menu of every kind
of text field are opened for real and every text on them is read: none may hold an English
word of the strings Qt shows (the sources of ui/translations/qtbase_vi.ts). And the committed
.qm is the compiled .ts.
"""

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QWidget,
)

from ui import language

TS = language.TRANSLATIONS / "qtbase_vi.ts"


def english_words() -> set[str]:
    """Words of Qt's English strings that the Vietnamese ones never use (so «PDF» or «A4» pass)."""
    tree = ElementTree.parse(TS)
    sources, translations = set(), set()
    for message in tree.iter("message"):
        sources |= words(message.findtext("source") or "")
        translations |= words(message.findtext("translation") or "")
    return {w for w in sources - translations if len(w) > 1}


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text.replace("&", ""))}


def shown_texts(widget: QWidget) -> list[str]:
    """Every text a widget and its visible children show: buttons, labels, group and tab titles,
    combo-box choices, window title."""
    found = [widget.windowTitle()]
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QAbstractButton):
            found.append(child.text())
        elif isinstance(child, QLabel):
            found.append(child.text())
        elif isinstance(child, QGroupBox):
            found.append(child.title())
        elif isinstance(child, QTabWidget):
            found += [child.tabText(i) for i in range(child.count())]
        elif isinstance(child, QComboBox):
            found += [child.itemText(i) for i in range(child.count())]
    return [text for text in found if text]


def english_in(texts: list[str]) -> list[str]:
    """The texts holding an English word; a file path (the folder shown) is not a sentence."""
    english = english_words()
    return [text for text in texts if "/" not in text and "\\" not in text and words(text) & english]


@pytest.fixture
def translated(qapp):
    assert language.install(qapp)
    return qapp


def test_the_committed_qm_is_the_compiled_ts(tmp_path):
    tool = shutil.which("pyside6-lrelease") or str(Path(sys.executable).with_name("pyside6-lrelease"))
    out = tmp_path / "qtbase_vi.qm"
    subprocess.run([tool, str(TS), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == language.QT_STRINGS.read_bytes(), \
        "run: pyside6-lrelease ui/translations/qtbase_vi.ts (and commit the .qm)"


def test_the_frozen_build_and_the_package_carry_the_qm():
    spec = (language.TRANSLATIONS.parents[1] / "packaging" / "motcua.spec").read_text(encoding="utf-8")
    assert '"ui" / "translations" / "qtbase_vi.qm"), "ui/translations"' in spec
    project = (language.TRANSLATIONS.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'ui = ["translations/*.qm"]' in project


def test_the_print_dialog_is_vietnamese(translated, qtbot, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(tmp_path / "out.pdf"))
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    button = {b.text().replace("&", ""): b for b in dialog.findChildren(QAbstractButton)}
    assert "In" in button and "Hủy" in button
    button["Tùy chọn >>"].click()  # the copies, pages and colour options
    texts = shown_texts(dialog)
    assert "Số bản:" in texts and english_in(texts) == []
    seen = []

    def read_and_close() -> None:
        shown = QApplication.activeModalWidget()
        if shown is not None and shown is not dialog:
            seen.extend(shown_texts(shown))
            shown.close()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(20, read_and_close)
    button["Thuộc tính"].click()  # the paper: size, orientation, pages per sheet
    assert "Khổ giấy:" in seen and english_in(seen) == []
    dialog.reject()


def test_the_file_dialog_is_vietnamese(translated, qtbot, tmp_path):
    (tmp_path / "to-khai.pdf").write_bytes(b"%PDF-1.4")
    dialog = QFileDialog(None, "Chọn tệp bản số hóa", str(tmp_path), "Bản số hóa (*.pdf);;Mọi tệp (*)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    texts = shown_texts(dialog)
    assert english_in(texts) == []
    headers = dialog.findChild(QWidget, "treeView").model()
    columns = [headers.headerData(i, Qt.Orientation.Horizontal) for i in range(headers.columnCount())]
    assert columns[:2] == ["Tên", "Kích thước"] and english_in(columns) == []
    dialog.reject()


def test_message_box_buttons_are_vietnamese(translated, qtbot):
    box = QMessageBox()
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Ok | buttons.Cancel | buttons.Yes | buttons.No | buttons.Save | buttons.Discard
                           | buttons.Close | buttons.Open | buttons.Apply | buttons.Retry | buttons.Ignore)
    qtbot.addWidget(box)
    texts = [b.text() for b in box.buttons()]
    assert "Đồng ý" in texts and "Hủy" in texts
    assert english_in(texts) == []


def menu_texts(menu: QMenu) -> list[str]:
    found = []
    for action in menu.actions():
        found.append(action.text())
        if action.menu() is not None:
            found += menu_texts(action.menu())
    return [text for text in found if text]


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_the_right_click_menu_of_text_fields_is_vietnamese(translated, qtbot, kind):
    field = kind()
    qtbot.addWidget(field)
    menu = field.createStandardContextMenu()
    texts = menu_texts(menu)
    assert any(t.replace("&", "").startswith("Sao chép") for t in texts), texts
    assert english_in(texts) == []


def test_the_right_click_menu_of_a_number_field_is_vietnamese(translated, qtbot):
    field = QSpinBox()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    seen = []

    def read_and_close() -> None:
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            seen.extend(menu_texts(menu))
            menu.close()
        else:
            QTimer.singleShot(20, read_and_close)

    QTimer.singleShot(20, read_and_close)
    QApplication.sendEvent(field, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5),
                                                    field.mapToGlobal(QPoint(5, 5))))
    assert any(t.replace("&", "") == "Tăng lên" for t in seen), seen
    assert english_in(seen) == []


def test_the_english_words_check_can_fail():
    assert english_in(["&Print", "Cancel"]) == ["&Print", "Cancel"]
    assert english_in(["In ra tệp (PDF)", "A4"]) == []
