"""Smoke test of the frozen one-folder build: `python3 packaging/smoke.py dist/motcua`.

Runs the built programs, never the source: a counter database is set up and filled with demo
dossiers, a receipt printed (its text read back with pdftotext), the Vietnamese holiday names
read, then the desktop app runs on the offscreen platform for 10 s and on xcb under Xvfb, where
an officer's first dossier is typed at the keyboard and the receipt's print preview must show
its pages; at last the day is exported and imported into a province database, whose report is
written as XLSX. Everything runs in a temporary folder with its own HOME, so the developer's own
data and settings are never touched. Exits non-zero at the first failure.

Needs pdftotext (poppler-utils), Xvfb (xvfb) and xdotool; stdlib only.
"""

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

GUI_SECONDS = 10
# Lines Qt prints on stderr that are not errors: the offscreen platform cannot hint sizes.
HARMLESS = [re.compile(r"^This plugin does not support propagateSizeHints\(\)$")]
# The receipt's text and barcode in the preview; a preview whose pages were not drawn shows
# white paper on grey: about a hundred dark pixels of page shadow (27 000 when drawn).
PAGE_INK = 5_000
TOOLBAR = 40  # pixels at the top of the preview dialog, icons, not counted


class Failed(Exception):
    pass


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: smoke.py DIST_FOLDER (e.g. dist/motcua)", file=sys.stderr)
        return 2
    folder = Path(argv[0]).resolve()
    for tool in ("pdftotext", "Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            print(f"smoke: FAILED: {tool} is not installed", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="motcua-smoke-") as work:
        try:
            Smoke(folder, Path(work)).run()
        except Failed as failure:
            print(f"smoke: FAILED: {failure}", file=sys.stderr)
            return 1
    print("smoke: all passed")
    return 0


class Smoke:
    def __init__(self, folder: Path, work: Path):
        self.cli = folder / "motcua-cli"
        self.app = folder / "motcua"
        for program in (self.cli, self.app):
            if not os.access(program, os.X_OK):
                raise Failed(f"{program} is missing")
        self.work = work
        self.counter = work / "counter.sqlite3"
        self.province = work / "province.sqlite3"
        self.env = isolated_env(work)

    def run(self) -> None:
        self.step("init", self.init)
        self.step("demo --dossiers 50", self.demo)
        code = self.step("receive", self.receive)
        self.step("print receipt", lambda: self.print_receipt(code))
        self.step("calendar (holidays, vi)", self.calendar)
        self.step("accounts (argon2)", self.accounts)
        self.step(f"GUI offscreen {GUI_SECONDS} s", self.gui_offscreen)
        self.step("GUI xcb under Xvfb: a dossier typed, its receipt previewed", self.gui_xcb)
        export = self.step("export", self.export)
        self.step("province import", lambda: self.province_import(export))
        self.step("province report --xlsx", self.province_report)

    def step(self, name: str, action):
        started = time.monotonic()
        result = action()
        print(f"smoke: ok  {name} ({time.monotonic() - started:.1f} s)", flush=True)
        return result

    def motcua(self, *args: str, db: Path | None = None, env: dict | None = None) -> str:
        """Runs the frozen command line; its stdout. A non-zero exit or a traceback fails."""
        command = [str(self.cli), "--db", str(db or self.counter), *args]
        done = subprocess.run(command, cwd=self.work, env={**self.env, **(env or {})}, capture_output=True,
                              text=True, timeout=300)
        if done.returncode != 0 or "Traceback" in done.stderr:
            raise Failed(f"{' '.join(args)}: exit {done.returncode}\n{done.stdout}{done.stderr}")
        return done.stdout

    def init(self) -> None:
        self.motcua("init", "--unit-code", "00001", "--unit-name", "UBND xã Thử Nghiệm", "--starter-catalogue")
        if not json.loads(self.motcua("catalog", "list", "--json")):
            raise Failed("the starter catalogue (counter/data) is empty")

    def demo(self) -> None:
        self.motcua("demo", "--dossiers", "50")

    def first_procedure(self) -> str:
        return json.loads(self.motcua("catalog", "list", "--json"))[0]["code"]

    def receive(self) -> str:
        dossier = json.loads(self.motcua("receive", "--procedure", self.first_procedure(),
                                         "--name", "Nguyễn Thị Hằng", "--json"))
        return dossier["code"]

    def print_receipt(self, code: str) -> None:
        pdf = self.work / "x.pdf"
        self.motcua("print", "receipt", code, "-o", str(pdf))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        # The dossier code, the applicant's name with its diacritics (the bundled font) and the title.
        for expected in (code, "Nguyễn Thị Hằng", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"):
            if expected not in text:
                raise Failed(f"the receipt's text lacks {expected!r}:\n{text[:1500]}")

    def calendar(self) -> None:
        # 2030 has no official schedule shipped: its days come from the `holidays` package, named
        # from holidays/locale/vi/LC_MESSAGES/VN.mo (without it `holidays` raises).
        days = json.loads(self.motcua("calendar", "show", "2030", "--json"))["non_working_weekdays"]
        reasons = {day["reason"] for day in days}
        for expected in ("Tết Nguyên Đán", "Quốc khánh", "Ngày Quốc tế Lao động"):
            if not any(expected in reason for reason in reasons):
                raise Failed(f"no {expected!r} among the 2030 holidays: {sorted(reasons)}")

    def accounts(self) -> None:
        """A password hashed and checked with argon2, in a database of its own (the GUI runs on the
        counter's database without a login)."""
        db = self.work / "accounts.sqlite3"
        self.motcua("init", "--unit-code", "00002", "--unit-name", "UBND xã Tài Khoản", db=db)
        self.motcua("user", "add", "quantri", "--name", "Lê Văn Quản", "--role", "admin", db=db,
                    env={"MOTCUA_NEW_PASSWORD": "mật khẩu đủ dài 2026"})
        users = json.loads(self.motcua("--user", "quantri", "user", "list", "--json", db=db,
                                       env={"MOTCUA_PASSWORD": "mật khẩu đủ dài 2026"}))
        if [user["username"] for user in users] != ["quantri"]:
            raise Failed(f"user list: {users}")
        wrong = subprocess.run([str(self.cli), "--db", str(db), "--user", "quantri", "user", "list"], cwd=self.work,
                               env={**self.env, "MOTCUA_PASSWORD": "sai"}, capture_output=True, text=True)
        if wrong.returncode == 0 or "Traceback" in wrong.stderr:
            raise Failed(f"a wrong password was not refused cleanly: exit {wrong.returncode}\n{wrong.stderr}")

    def gui_offscreen(self) -> None:
        backups = self.work / "counter.sqlite3-backups"
        before = set(backups.glob("*")) if backups.exists() else set()
        env = {**self.env, "QT_QPA_PLATFORM": "offscreen"}
        with Gui(self.app, self.counter, self.work, env) as gui:
            gui.stays_up(GUI_SECONDS)
        gui.check_stderr()
        # The app backs up at start-up once its window is open and unlocked (ui/app.py, _unlock).
        if not set(backups.glob("*startup*")) - before:
            raise Failed("the app ran but took no start-up backup: its window never opened the database")

    def gui_xcb(self) -> None:
        """An officer's first dossier at the keyboard: pick the procedure, type the name, Ctrl+S;
        the receipt's preview must open with its pages drawn by QtPdf (ui/print_preview.py)."""
        procedure = self.first_procedure()
        with Xvfb(self.work, self.env) as screen:
            env = {**self.env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": screen.display}
            with Gui(self.app, self.counter, self.work, env) as gui:
                window = gui.window(env, "^motcua — ")
                gui.stays_up(5)  # the database is checked and the catalogue loaded on the workers
                xdotool(env, "windowfocus", "--sync", window)
                xdotool(env, "type", "--delay", "40", procedure)
                xdotool(env, "key", "--delay", "100", "Return", "Tab", "Tab")  # checklist; past CCCD and phone
                xdotool(env, "type", "--delay", "40", "Tran Van Smoke")
                xdotool(env, "key", "ctrl+s")
                preview = gui.window(env, "^Xem trước khi in — Giấy tiếp nhận")
                gui.stays_up(2)  # the pages are drawn
                dark = screen.dark_pixels(geometry(env, preview))
                if dark < PAGE_INK:
                    raise Failed(f"the print preview shows {dark} dark pixels, not a drawn receipt (>= {PAGE_INK})")
        gui.check_stderr()
        print(f"smoke:     the receipt's preview shows {dark} dark pixels of text and barcode")
        if "Tran Van Smoke" not in self.motcua("search", "Smoke"):
            raise Failed("the dossier saved in the window is not in the database")

    def export(self) -> Path:
        result = json.loads(self.motcua("export", "--json"))
        if result["dossiers"] != 52:  # 50 demo dossiers, one from the command line, one from the window
            raise Failed(f"the export holds {result['dossiers']} dossiers, not 52")
        return Path(result["file"])

    def province_import(self, export: Path) -> None:
        # The province imports only files signed by an enrolled workstation key (issue 13).
        enrolment = self.work / "enrolment.json"
        self.motcua("keys", "export", "-o", str(enrolment))
        self.motcua("province", "enrol", str(enrolment), db=self.province)
        result = json.loads(self.motcua("province", "import", str(export), "--json", db=self.province))
        if (result["dossiers"], result["gaps"], result["conflicts"]) != (52, [], []):
            raise Failed(f"province import: {result}")

    def province_report(self) -> None:
        xlsx = self.work / "report.xlsx"
        month = date.today().strftime("%Y-%m")
        report = json.loads(self.motcua("province", "report", "--month", month, "--json", "--xlsx", str(xlsx),
                                        db=self.province))
        if not report["units"] or xlsx.read_bytes()[:2] != b"PK":
            raise Failed(f"province report: {report}")


class Gui:
    """The frozen desktop app on one platform, its stderr kept; terminated on leaving."""

    def __init__(self, program: Path, db: Path, work: Path, env: dict):
        self.command = [str(program), "--db", str(db)]
        self.work, self.env = work, env
        self.stderr_path = work / f"gui-{env['QT_QPA_PLATFORM']}.stderr"

    def __enter__(self) -> "Gui":
        self.stderr = self.stderr_path.open("w")
        self.process = subprocess.Popen(self.command, cwd=self.work, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=self.stderr, stdin=subprocess.DEVNULL)
        return self

    def stays_up(self, seconds: float) -> None:
        try:
            code = self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return
        raise Failed(f"the app ended by itself with exit {code}:\n{self.stderr_path.read_text()}")

    def window(self, env: dict, title: str) -> str:
        """The id of the app's visible window whose title matches `title` (a regex)."""
        deadline = time.monotonic() + GUI_SECONDS
        while True:
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], env=env,
                                   capture_output=True, text=True).stdout.split()
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise Failed(f"no window titled {title!r} after {GUI_SECONDS} s:\n{self.stderr_path.read_text()}")
            self.stays_up(0.3)

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stderr.close()

    def check_stderr(self) -> None:
        """Nothing on stderr but Qt's known harmless notes: no traceback, no missing plugin."""
        text = self.stderr_path.read_text()
        unexpected = [line for line in text.splitlines() if not any(p.match(line) for p in HARMLESS)]
        if unexpected:
            raise Failed("the app wrote on stderr:\n" + "\n".join(unexpected[:40]))


class Xvfb:
    """A virtual X server on a free display number, its screen readable as an XWD file."""

    def __init__(self, work: Path, env: dict):
        self.work, self.env = work, env
        self.screen = work / "screen"

    def __enter__(self) -> "Xvfb":
        self.screen.mkdir()
        read, write = os.pipe()
        # -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-fbdir", str(self.screen),
             "-nolisten", "tcp"], pass_fds=(write,), env=self.env, stdout=subprocess.DEVNULL,
            stderr=(self.work / "xvfb.stderr").open("w"))
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise Failed("Xvfb did not start: " + (self.work / "xvfb.stderr").read_text())
        self.display = f":{number}"
        return self

    def dark_pixels(self, box: tuple[int, int, int, int]) -> int:
        """Near-black pixels in `box` (x, y, width, height) below a dialog's toolbar: text and bars."""
        data = (self.screen / "Xvfb_screen0").read_bytes()
        header = struct.unpack(">25I", data[:100])  # XWD: 25 big-endian words, then the name and colours
        header_size, bits, bytes_per_line, colours = header[0], header[11], header[12], header[19]
        width, height = header[4], header[5]
        if bits != 32:
            raise Failed(f"unexpected Xvfb screen format: {bits} bits per pixel")
        start = header_size + colours * 12
        x, y, w, h = box
        dark = 0
        for row in range(max(y + TOOLBAR, 0), min(y + h, height)):
            line = data[start + row * bytes_per_line:start + (row + 1) * bytes_per_line]
            for column in range(max(x, 0), min(x + w, width)):
                if max(line[4 * column:4 * column + 3]) < 60:
                    dark += 1
        return dark

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def xdotool(env: dict, *args: str) -> None:
    done = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise Failed(f"xdotool {' '.join(args)}: {done.stderr}")


def geometry(env: dict, window: str) -> tuple[int, int, int, int]:
    shell = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window], env=env, capture_output=True,
                           text=True).stdout
    values = dict(line.split("=", 1) for line in shell.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def isolated_env(work: Path) -> dict:
    """The caller's environment without anything that could point the app elsewhere."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("MOTCUA_", "QT_", "XDG_", "PYTHON", "LD_")) and key != "DISPLAY"}
    home = work / "home"
    runtime = work / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env.update(HOME=str(home), XDG_RUNTIME_DIR=str(runtime), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return env


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
