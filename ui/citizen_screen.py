"""Màn hình đánh giá: the citizen rates the service on a screen of their own.

ND 61/2018 art. 29 lists an electronic rating device at the counter; until now the officer
being rated keyed the rating. This window faces the citizen: on a second monitor or touch
screen when there is one (full screen), else as a small window of its own, in the corner of
the officer's screen and only while a dossier waits for its rating (it would hide the main
window's buttons otherwise). When the officer opens a dossier to return (ui/returns.py) it
shows the dossier and three large choices; "Không hài lòng" offers reasons to tick, optional. The choice goes back
to the return screen, which records it as given by the citizen (rating_by "citizen").
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter.dossier import RATINGS

# What a citizen who is not satisfied most often says (QĐ 766/QĐ-TTg's satisfaction survey asks
# about time, the officer's manner and guidance); "Khác" lets the officer note the rest.
REASONS = ("Thời gian chờ đợi lâu", "Trả kết quả trễ hẹn", "Hướng dẫn chưa rõ ràng",
           "Thái độ cán bộ chưa tốt", "Phải đi lại nhiều lần", "Lý do khác")
THANKS_MS = 6000
BIG = "font-size: 22pt; padding: 18px;"
COLOURS = {"very-satisfied": "#1b5e20", "satisfied": "#2a62c9", "unsatisfied": "#8b1a1a"}


class CitizenWindow(QMainWindow):
    rated = Signal(str, str)  # the rating (counter.dossier.RATINGS), the reasons given ("" none)

    def __init__(self, unit_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Đánh giá sự hài lòng — motcua")
        self.code: str | None = None
        self.shared = False  # on the officer's own screen: shown only while asking
        self.welcome = QLabel()
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setWordWrap(True)
        self.welcome.setStyleSheet("font-size: 20pt; color: #44546a;")
        self.set_unit(unit_name)

        self.dossier = QLabel()
        self.dossier.setWordWrap(True)
        self.dossier.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dossier.setStyleSheet("font-size: 15pt;")
        question = QLabel("Ông/bà có hài lòng với việc giải quyết hồ sơ này không?")
        question.setWordWrap(True)
        question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        question.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.choices: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label in RATINGS.items():
            button = QPushButton(label)
            button.setMinimumHeight(110)
            button.setStyleSheet(
                f"QPushButton {{ {BIG} color: white; background: {COLOURS[key]}; border-radius: 8px; }}")
            button.clicked.connect(lambda _checked=False, k=key: self.choose(k))
            row.addWidget(button)
            self.choices[key] = button
        asking = QWidget()
        asking_layout = QVBoxLayout(asking)
        asking_layout.addWidget(self.dossier)
        asking_layout.addStretch(1)
        asking_layout.addWidget(question)
        asking_layout.addLayout(row)
        asking_layout.addStretch(1)

        because = QLabel("Ông/bà chưa hài lòng vì (có thể chọn nhiều, hoặc bỏ qua):")
        because.setWordWrap(True)
        because.setStyleSheet("font-size: 16pt;")
        self.reasons: list[QPushButton] = []
        grid = QGridLayout()
        for index, text in enumerate(REASONS):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setMinimumHeight(70)
            button.setStyleSheet("QPushButton { font-size: 15pt; } QPushButton:checked { background: #fbe3e3; }")
            grid.addWidget(button, index // 2, index % 2)
            self.reasons.append(button)
        self.send = QPushButton("Gửi đánh giá")
        self.send.setMinimumHeight(80)
        self.send.setStyleSheet(f"QPushButton {{ {BIG} }}")
        self.send.clicked.connect(self._send_unsatisfied)
        complaint = QWidget()
        complaint_layout = QVBoxLayout(complaint)
        complaint_layout.addWidget(because)
        complaint_layout.addLayout(grid)
        complaint_layout.addWidget(self.send)

        self.thanks = QLabel("Cảm ơn ông/bà đã đánh giá!")
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setStyleSheet("font-size: 26pt; color: #1b5e20;")

        self.pages = QStackedWidget()
        for page in (self.welcome, asking, complaint, self.thanks):
            self.pages.addWidget(page)
        self.asking, self.complaint = asking, complaint
        self.setCentralWidget(self.pages)
        self.back_to_idle = QTimer(self)
        self.back_to_idle.setSingleShot(True)
        self.back_to_idle.setInterval(THANKS_MS)
        self.back_to_idle.timeout.connect(self.idle)
        self.resize(640, 480)

    def set_unit(self, unit_name: str) -> None:
        self.welcome.setText(f"{unit_name}\nBộ phận Một cửa\n\nXin kính chào!" if unit_name else "Xin kính chào!")

    def place(self) -> None:
        """Full screen on a second monitor when there is one; else a window of its own."""
        screens = QGuiApplication.screens()
        others = [s for s in screens if s is not QGuiApplication.primaryScreen()]
        if others:
            self.setScreen(others[0])
            self.setGeometry(others[0].geometry())
            self.showFullScreen()
            return
        self.shared = True
        room = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(640, room.width() // 2), min(480, room.height() // 2))

    def _to_corner(self) -> None:
        """The bottom right corner of the officer's screen, the whole window on it."""
        room = QGuiApplication.primaryScreen().availableGeometry()
        frame = self.frameGeometry()
        self.move(room.right() - frame.width() + 1, room.bottom() - frame.height() + 1)

    def ask(self, code: str, name: str, procedure: str) -> None:
        """A dossier is being returned: ask its citizen to rate."""
        self.back_to_idle.stop()
        self.code = code
        for button in self.reasons:
            button.setChecked(False)
        self.dossier.setText(f"Hồ sơ <b>{code}</b><br>{name}<br>{procedure}")
        self.pages.setCurrentWidget(self.asking)
        if self.shared:
            self.show()
            self._to_corner()
            self.raise_()

    def idle(self) -> None:
        self.back_to_idle.stop()
        self.code = None
        self.pages.setCurrentWidget(self.welcome)
        if self.shared:
            self.hide()

    @property
    def asking_now(self) -> bool:
        return self.code is not None and self.pages.currentWidget() in (self.asking, self.complaint)

    def choose(self, rating: str) -> None:
        if not self.asking_now:
            return
        if rating == "unsatisfied":
            self.pages.setCurrentWidget(self.complaint)
            return
        self._done(rating, "")

    def _send_unsatisfied(self) -> None:
        if self.asking_now:
            self._done("unsatisfied", "; ".join(b.text() for b in self.reasons if b.isChecked()))

    def _done(self, rating: str, reasons: str) -> None:
        self.pages.setCurrentWidget(self.thanks)
        self.rated.emit(rating, reasons)

    def thank_and_wait(self) -> None:
        """The dossier was returned: the thanks stay a moment, then the welcome."""
        self.code = None
        self.pages.setCurrentWidget(self.thanks)
        self.back_to_idle.start()
