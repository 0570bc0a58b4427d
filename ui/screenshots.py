"""Screenshots of every screen, taken from the real app (offscreen) for the README.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m ui.screenshots [OUT_DIR]

Opens a throwaway demo database the way `main.py --demo` does, walks through
the screens with realistic input, and saves one PNG per screen (default
docs/screenshots/). The screen is the counter's common one, 1366×768, and the
window opens maximised on it, as an officer sees it (issue 15).
"""

import json
import os
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

SCREEN = (1366, 768)
if os.environ.setdefault("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    _config = Path(tempfile.mkdtemp(prefix="motcua-shots-")) / "screens.json"
    _config.write_text(json.dumps({"screens": [{"name": "counter", "x": 0, "y": 0, "width": SCREEN[0],
                                               "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_config}"

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget  # noqa: E402

from counter import accounts, digitization, dossier_list  # noqa: E402
from counter.dossier_list import ListFilter  # noqa: E402
from counter.session import Session  # noqa: E402
from counter.transitions import Status  # noqa: E402
from printing import forms  # noqa: E402
from ui.app import Launcher  # noqa: E402
from ui.first_run import FirstRunDialog  # noqa: E402
from ui.list_model import COLUMNS  # noqa: E402
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
        self.wait(lambda: self.window.ready, 120)
        self.wait(lambda: self.window.isMaximized())

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
        # A chip-based CCCD scanned (ui/card_scan.py hands the typed code to read_card), then the procedure.
        intake.read_card("024190001234|125678901|Nguyễn Thị Hồng Nhung|05031990|Nữ|"
                         "Thôn Đồng Sen, xã Tân Tiến, tỉnh Bắc Ninh|12072021")
        self.idle()
        intake.picker.field.setText("khai sinh")
        intake.picker.field.textEdited.emit("khai sinh")
        intake.picker.field.returnPressed.emit()
        intake.phone.setText("0912 345 678")
        self.save(w, "01-tiep-nhan")

        self.screen(w.list)
        self.wait(lambda: w.list.table.complete)
        header = w.list.table.view.horizontalHeader()
        header.setSortIndicator([key for key, _ in COLUMNS].index("days_late"), Qt.SortOrder.DescendingOrder)
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
        citizen = w.citizen
        if citizen is not None:
            citizen.showNormal()
            citizen.resize(1024, 600)
            self.save(citizen, "15-danh-gia-cua-nguoi-dan")
            citizen.choose("satisfied")
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
        dossier = w.dialogs[0]
        dossier.findChild(QTabWidget).setCurrentIndex(1)  # the history, in sentences
        self.save(dossier, "09-ho-so")
        dossier.close()
        self.dialogs()

        w.printer.form("receipt", self.first_one(ListFilter(statuses=(Status.RECEIVED,))))
        self.wait(lambda: w.printer.dialog is not None and w.printer.dialog.isVisible())
        self.save(w.printer.dialog, "10-xem-truoc-khi-in")
        w.printer.dialog.reject()

        self.sync_folder()
        self.safety_pages()
        self.first_run()
        self.login()
        self.launcher.close()

    def dialogs(self) -> None:
        """The supplement request, an attached scan, one procedure edited."""
        w = self.window
        w.open_dossier(self.first_one(ListFilter(statuses=(Status.RECEIVED,))))
        self.idle()
        dossier = w.dialogs[-1]
        dossier.step("supplement")
        self.idle()
        supplement = dossier.reason_dialog
        for row in (0, 2):
            if row < supplement.checklist.count():
                supplement.checklist.item(row).setCheckState(Qt.CheckState.Checked)
        supplement.others.setPlainText("Bản sao sổ hộ khẩu có chứng thực")
        supplement.reason.setPlainText("Tờ khai chưa ghi nơi sinh; giấy chứng sinh là bản chụp")
        self.save(supplement, "16-yeu-cau-bo-sung")
        supplement.reject()
        dossier.close()
        code = self.first_one(ListFilter(digitized=False, statuses=(Status.RECEIVED,)))
        scan = Path(tempfile.mkdtemp(prefix="motcua-shots-")) / "to-khai-da-ky.pdf"

        def attach(session):  # a real PDF as the scan (the demo's stand-ins have no page to draw)
            scan.write_bytes(forms.form_pdf(session, "receipt", code))
            return digitization.attach(session, code, document=1, file=scan)

        self.call(attach)
        w.open_dossier(code)
        self.idle()
        dossier = w.dialogs[-1]
        dossier.documents.setCurrentCell(0, 0)
        dossier.view_scan()
        self.idle()
        if dossier.viewer is not None:
            self.save(dossier.viewer, "17-ban-so-hoa")
            dossier.viewer.reject()
        dossier.close()
        self.screen(w.settings)
        w.settings.edit_procedure()
        self.idle()
        editor = w.settings.procedure_dialog
        editor.picker.field.setText("chung thuc di chuc")
        editor.picker.filter("chung thuc di chuc")
        editor.picker.field.returnPressed.emit()
        self.save(editor, "18-sua-thu-tuc")
        editor.close()

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
        """The folder dialog (issue 12), on a share where two other counters of the unit already sync; the
        admin has approved counter 2's key and has still to approve counter 3's (issue 13)."""
        from counter import keys, peers, sync, unit
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
                if number == 2:
                    fingerprint = keys.current(other).fingerprint
                    self.call(lambda s, fp=fingerprint, label=name: peers.approve(s, fp, label))
        dialog = SyncFolderDialog(self.launcher.runner, self.launcher.reads, self.window)
        self.idle()
        dialog.folder.setText(str(share))
        dialog.name.setText("Quầy 1 – Tiếp nhận chung")
        dialog.look()
        self.wait(lambda: dialog.table.rowCount() == 2)
        dialog.show()
        self.save(dialog, "19-dong-bo")
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
