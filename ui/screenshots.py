"""Screenshots of every screen, taken from the real app (offscreen) for the README.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.screenshots [OUT_DIR]

Opens a throwaway demo database the way `main.py --demo` does, walks through
the screens with realistic input, and saves one PNG per screen (default
docs/screenshots/).
"""

import os
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from counter import accounts, dossier_list  # noqa: E402
from counter.dossier_list import ListFilter  # noqa: E402
from counter.session import Session  # noqa: E402
from counter.transitions import Status  # noqa: E402
from ui.app import Launcher  # noqa: E402
from ui.first_run import FirstRunDialog  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.operations import Runner  # noqa: E402
from ui.preferences import Preferences  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


class Shooter:
    def __init__(self, app: QApplication, out: Path):
        self.app, self.out = app, out
        out.mkdir(parents=True, exist_ok=True)
        store = QSettings(str(Path(tempfile.mkdtemp()) / "shots.ini"), QSettings.Format.IniFormat)
        self.launcher = Launcher(Namespace(db=None, officer="Trần Thị Lan", demo=True), Preferences(store),
                                 demo_dossiers=4000)
        self.wait(lambda: self.launcher.window is not None, 120)
        self.window = self.launcher.window
        self.window.resize(1280, 800)

    def wait(self, condition, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        while not condition():
            if time.time() > deadline:
                raise TimeoutError("the app did not get there in time")
            self.app.processEvents()
            time.sleep(0.005)

    def idle(self) -> None:
        runners = [self.launcher.runner, self.launcher.reads, self.launcher.background]
        self.wait(lambda: all(r.idle for r in runners))
        for _ in range(5):
            self.app.processEvents()

    def call(self, function):
        """The result of a counter/ call, run on the app's worker like any screen's call."""
        box = []
        self.launcher.runner.run(function, done=box.append)
        self.wait(lambda: bool(box))
        return box[0]

    def save(self, widget: QWidget, name: str) -> None:
        self.idle()
        widget.grab().save(str(self.out / f"{name}.png"))
        print(self.out / f"{name}.png")

    def screen(self, widget) -> None:
        self.window.tabs.setCurrentWidget(widget)
        self.idle()

    def first_one(self, chosen: ListFilter) -> str:
        def code(session):
            ids = dossier_list.ids(session, chosen, limit=1)
            return dossier_list.rows(session, list(ids))[ids[0]].code

        return self.call(code)

    def run(self) -> None:
        w = self.window
        self.screen(w.intake)
        intake = w.intake
        intake.picker.field.setText("dang ky khai sinh")
        intake.picker.field.textEdited.emit("dang ky khai sinh")
        intake.picker.field.returnPressed.emit()
        for field, text in ((intake.id_number, "024190001234"), (intake.phone, "0912 345 678"),
                            (intake.name, "Nguyễn Thị Hồng Nhung"), (intake.address, "Thôn Đồng Sen, xã Tân Tiến")):
            field.setText(text)
        self.save(w, "01-tiep-nhan")

        self.screen(w.list)
        self.wait(lambda: w.list.table.complete)
        self.save(w, "02-danh-sach")
        w.list.search.setText("nguyễn")
        w.list.status.setCurrentIndex(w.list.status.findData(Status.RECEIVED))
        self.wait(lambda: not w.list.debounce.isActive() and w.list.table.complete)
        self.save(w, "03-danh-sach-loc")

        self.screen(w.returns)
        w.returns.scan.setText(self.first_one(ListFilter(statuses=(Status.RESULT_READY,))))
        w.returns.open_scanned()
        self.idle()
        w.returns.rating.setCurrentIndex(1)
        self.save(w, "04-tra-ket-qua")

        self.screen(w.late)
        w.late.reason.setPlainText("Cần xác minh thêm thông tin tại nơi cư trú trước đây")
        self.save(w, "05-sap-tre-han")

        self.screen(w.digitization)
        self.wait(lambda: w.digitization.missing.complete)
        w.digitization.open_code(self.first_one(ListFilter(scans_missing=True, statuses=(Status.RECEIVED,))))
        self.save(w, "06-so-hoa")

        self.screen(w.today)
        self.save(w, "07-hom-nay")
        self.screen(w.settings)
        self.save(w, "08-thiet-lap")

        w.open_dossier(self.first_one(ListFilter(statuses=(Status.RETURNED,))))
        self.idle()
        self.save(w.dialogs[0], "09-ho-so")
        w.dialogs[0].close()

        w.printer.form("receipt", self.first_one(ListFilter(statuses=(Status.RECEIVED,))))
        self.wait(lambda: w.printer.dialog is not None and w.printer.dialog.isVisible())
        w.printer.dialog.resize(900, 1000)
        self.save(w.printer.dialog, "10-xem-truoc-khi-in")
        w.printer.dialog.reject()

        self.sync_folder()
        self.safety_pages()
        self.first_run()
        self.login()
        self.launcher.close()

    def safety_pages(self) -> None:
        """Accounts, backups and the audit trail (issue 6); the first account ends set-up mode."""
        w = self.window
        settings = w.settings
        self.screen(settings)
        settings.show_page(settings.backups)
        self.idle()
        settings.backups.backup_now()
        self.idle()
        self.save(w, "13-sao-luu")

        settings.show_page(settings.accounts)
        page = settings.accounts
        for field, text in ((page.username, "quantri"), (page.full_name, "Nguyễn Văn Quản"),
                            (page.password, "quantri-2025"), (page.again, "quantri-2025")):
            field.setText(text)
        page.role.setCurrentIndex(page.role.findData("admin"))
        page.create()
        self.idle()
        for username, name, role in (("hung.nv", "Nguyễn Văn Hùng", "head"), ("lan.tt", "Trần Thị Lan", "officer"),
                                     ("mai.lt", "Lê Thị Mai", "officer")):
            self.call(lambda s, u=username, n=name, r=role: accounts.create(s, u, n, r, "mat-khau-2025"))
        self.call(lambda s: accounts.set_active(s, "mai.lt", False))
        page.start()
        self.idle()
        page.select("lan.tt")
        self.save(w, "12-tai-khoan")

        settings.show_page(settings.audit)
        self.idle()
        settings.audit.check()
        self.save(w, "14-nhat-ky")

    def sync_folder(self) -> None:
        """The folder dialog (issue 12), on a share where two other counters of the unit already sync."""
        from counter import sync, unit
        from ui.sync_dialog import SyncFolderDialog

        folder = Path(tempfile.mkdtemp(prefix="motcua-shots-share-"))
        share = folder / "MAY-CHU-XA" / "motcua"
        share.mkdir(parents=True)
        settings = self.call(lambda s: s.settings)
        for number, name in ((2, "Quầy 2 – Đất đai, xây dựng"), (3, "Quầy 3 – Hộ tịch, chứng thực")):
            with Session(folder / f"quay{number}.sqlite3", "Cán bộ") as other:
                unit.configure(other, unit_code=settings.unit_code, unit_name=settings.unit_name,
                               workstation=number, station_name=name)
                sync.sync(other, share)
        dialog = SyncFolderDialog(self.launcher.runner, self.launcher.reads, self.window)
        self.idle()
        dialog.folder.setText(str(share))
        dialog.name.setText("Quầy 1 – Tiếp nhận chung")
        dialog.look()
        self.wait(lambda: dialog.table.rowCount() == 2)
        dialog.show()
        self.save(dialog, "15-dong-bo")
        dialog.close()

    def login(self) -> None:
        dialog = LoginDialog(self.launcher.runner, self.window.unit_label.text().split(" (")[0], "lan.tt")
        dialog.password.setText("mat-khau")
        dialog.show()
        self.save(dialog, "11-dang-nhap")
        dialog.close()

    def first_run(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="motcua-shots-"))
        runner = Runner(lambda: Session(folder / "new.sqlite3"))
        dialog = FirstRunDialog(runner)
        dialog.show()
        self.save(dialog, "00-thiet-lap-lan-dau")
        dialog.close()
        runner.stop()


def main() -> None:
    app = QApplication(sys.argv[:1])
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    Shooter(app, out).run()


if __name__ == "__main__":
    main()
