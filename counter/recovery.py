"""Start-up recovery: a damaged database is set aside and the newest trusted backup restored.

At start-up `PRAGMA quick_check` runs when it can matter (db/clean_close.py:
no clean-close mark, a leftover `-wal`, the file changed since motcua closed
it), and the full `integrity_check` when the background check
(counter/integrity.py) noted damage; if it fails, the file (and its WAL) is
renamed `.damaged-<time>` — never deleted — and the newest backup that
motcua recorded itself (same name, size and SHA-256 in the backups folder's
record, not dated in the future) and that passes every check of a restore
(db/backup.py inspect: application_id, schema version, exact schema, the
unit's code as far as the damaged file still shows it, audit chain,
integrity) is put in its place. The code reservations still readable in the
damaged file are carried over, so no code is handed out twice. The officer
is told which moment the data is back to and which dossiers, still readable
in the damaged file, changed after it and must be entered again. This needs
the database to itself: with motcua open in another process it is refused.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter import integrity, sync_log
from counter.clock import now
from counter.errors import CounterError
from db import backup as backup_db
from db import clean_close, lock
from db import sync as sync_table

BUSY = ("Cơ sở dữ liệu {path} bị hỏng nhưng đang được mở bởi motcua khác trên máy này; hãy đóng motcua trên "
        "máy này trước rồi mở lại để khôi phục.")


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
    try:
        held = lock.hold(path, when_alone=backup_db.clean_leftovers)
    except lock.LockBusy as exc:
        raise CounterError(str(exc), "a restore is running in another process") from None
    try:
        with held.exclusive(BUSY.format(path=path)):
            return _recover(path)
    except lock.LockBusy as exc:
        raise CounterError(str(exc), "damaged database open in another process; close motcua there first") from None
    finally:
        held.release()


def _recover(path: Path) -> Recovery:
    unit_code = backup_db.unit_code_of(path)
    for candidate in backup_db.trusted(backup_db.folder_for(path), now()):
        staged = backup_db.staging_path(path)
        try:
            backup_db.stage(candidate["path"], path)
            backup_db.inspect(staged, unit_code, candidate["path"])
        except backup_db.BackupError:
            backup_db.discard(staged)
            continue
        break
    else:
        raise CounterError(
            f"Cơ sở dữ liệu {path} bị hỏng và không có bản sao lưu nào dùng được. Đừng xóa tệp; "
            "hãy liên hệ bộ phận kỹ thuật.",
            "damaged database and no usable backup",
        )
    try:
        changed = backup_db.codes_changed_after(path, candidate["at"].isoformat(timespec="seconds"))
        backup_db.carry_reservations(path, staged)
        _take_over(staged, sync_table.station_of(path))
        aside = backup_db.move_aside(path, f".damaged-{now():%Y%m%d-%H%M%S}")
        backup_db.put_in_place(staged, path)
        integrity.forget_damage(path)
    finally:
        backup_db.discard(staged)
    return Recovery(aside, candidate["path"], candidate["at"], changed)


def _take_over(staged: Path, former: str | None) -> None:
    """The backup takes a new identity in the unit sync, with the damaged database's in its lineage."""
    with sync_table.upgraded_file(staged) as (db, version):
        sync_log.take_over(db, former, version)


def _damaged(path: Path) -> bool:
    reason = clean_close.reason_to_check(path)
    if reason is None:
        return False
    noted = clean_close.damage_noted(path) is not None
    if backup_db.integrity_problems(path, quick=not noted):
        return True
    if noted:
        integrity.forget_damage(path)  # the full check no longer finds it
    return False
