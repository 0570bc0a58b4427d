"""Start-up recovery: a damaged database is set aside and the newest good backup restored.

`PRAGMA quick_check` runs at start-up; if it fails, the file (and its WAL) is
renamed `.damaged-<time>` — never deleted — the newest backup that passes
`integrity_check` is put in its place, and the officer is told which moment
the data is back to and which dossiers, still readable in the damaged file,
changed after it and must be entered again.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter.clock import iso, now
from counter.errors import CounterError
from db import backup as backup_db


@dataclass(frozen=True)
class Recovery:
    damaged: Path
    restored_from: Path
    back_to: datetime
    to_re_enter: list[str]

    def message(self) -> str:
        text = (f"Cơ sở dữ liệu bị hỏng và đã được khôi phục từ bản sao lưu lúc {self.back_to:%H:%M ngày %d/%m/%Y}. "
                f"Tệp hỏng được giữ lại tại {self.damaged}. ")
        if self.to_re_enter:
            text += "Cần nhập lại hoặc cập nhật lại các hồ sơ: " + ", ".join(self.to_re_enter) + "."
        else:
            text += "Hãy nhập lại mọi hồ sơ tiếp nhận hoặc cập nhật sau thời điểm đó."
        return text


def recover_if_damaged(path: str | Path) -> Recovery | None:
    path = Path(path)
    if not path.exists() or not _damaged(path):
        return None
    candidates = [b for b in backup_db.listed(backup_db.folder_for(path)) if not backup_db.integrity_problems(b["path"])]
    if not candidates:
        raise CounterError(
            f"Cơ sở dữ liệu {path} bị hỏng và không có bản sao lưu nào dùng được. Đừng xóa tệp; "
            "hãy liên hệ bộ phận kỹ thuật.",
            "damaged database and no usable backup",
        )
    newest = candidates[0]
    changed = backup_db.codes_changed_after(path, iso(newest["at"]))
    aside = backup_db.move_aside(path, f".damaged-{now():%Y%m%d-%H%M%S}")
    backup_db.put_in_place(newest["path"], path)
    return Recovery(aside, newest["path"], newest["at"], changed)


def _damaged(path: Path) -> bool:
    return bool(backup_db.integrity_problems(path, quick=True))

