"""Demo data (dữ liệu thử): realistic dossiers over past months.

For trying the app and for benchmarks: Vietnamese names, the starter
procedures, the three channels, returning applicants, some dossiers late
(most of those with an apology), most digitized. Rows are written in large
batches straight through `db/`, with due dates from the real calendar, and
events that carry their effects as the services write them, so that replaying
them gives the rows (counter/dossier.py: replay; `check` verifies it).
"""

import json
import random
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

from counter import audit, catalogue, codes, unit
from counter.clock import iso, now
from counter.dossier import judge, received_detail
from counter.due_dates import TimeRules, due_date
from counter.errors import CounterError
from counter.session import Session
from counter.text import fold, number
from counter.transitions import EventKind, Status
from db import demo as demo_table
from db import files as file_table
from db import sync as sync_table
from db.connection import write

SURNAMES = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4),
            ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 2), ("Dương", 1),
            ("Lý", 1), ("Đinh", 1), ("Trịnh", 1), ("Đào", 1), ("Lương", 1)]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thanh", "Xuân", "Đình", "Trọng", "Bá", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Kim", "Thanh", "Minh", "Phương", "Diệu", "Bích", "Hồng", "Thùy"]
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Minh",
              "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Đạt", "Đông", "Lộc",
              "Toàn", "Kiên", "Hoàng", "Tùng", "Vinh", "Phúc"]
GIVEN_FEMALE = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Mai",
                "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Tú",
                "Vân", "Yến", "Hằng", "Loan", "Nhàn", "Thư", "Uyên"]
VILLAGES = ["Thôn Đông", "Thôn Đoài", "Thôn Trung", "Thôn Thượng", "Thôn Hạ", "Thôn Tân Lập", "Thôn Cầu Đá",
            "Thôn Phúc Lâm", "Thôn Đồng Sen", "Thôn Bãi Ngang", "Tổ dân phố số 3", "Tổ dân phố số 7"]
# Certifications dominate a commune counter's day; civil status comes next.
FIELD_WEIGHTS = {"Chứng thực": 60, "Hộ tịch": 35, "Bảo trợ xã hội": 5}
REASONS_LATE = ["Cần xác minh thêm thông tin tại nơi cư trú trước đây",
                "Cơ quan phối hợp chưa có văn bản trả lời",
                "Cán bộ thụ lý nghỉ ốm đột xuất"]
# A million dossiers is the benchmark's size (bench/); more would only fill the disk.
MAX_DOSSIERS = 5_000_000
DEMO_SETTINGS = {"unit_code": "000.00.31.H06", "unit_name": "UBND xã Tân Tiến",
                 "authority": "UBND TỈNH BẮC NINH", "place": "Tân Tiến", "level": "xa"}


def fill(session: Session, count: int, seed: int = 1, end: datetime | None = None,
         progress=None, batch: int = 20000) -> dict:
    """Add `count` demo dossiers received before `end`; returns what was written."""
    session.require("demo")
    if not 1 <= count <= MAX_DOSSIERS:
        raise CounterError(f"Số hồ sơ thử phải từ 1 đến {number(MAX_DOSSIERS)}.",
                           f"--dossiers must be 1-{MAX_DOSSIERS}")
    if not session.settings.initialised:
        unit.configure(session, **DEMO_SETTINGS)
    if not catalogue.all_procedures(session):
        catalogue.import_catalogue(session, catalogue.STARTER)
    generator = _Generator(session, random.Random(seed), end or now(), count)
    written = 0
    while written < count:
        size = min(batch, count - written)
        rows = generator.batch(size)
        with write(session.db):
            _stamp(session, rows)
            demo_table.insert_many(session.db, **rows)
            audit.log(session, "demo_filled", "dossiers", {"count": size})
        written += size
        if progress:
            progress(written, count)
    return {"dossiers": written, "from": iso(generator.first_day), "to": iso(generator.end)}


def _stamp(session: Session, rows: dict) -> None:
    """Give the batch's events their places in the unit's log (counter/sync_log.py), as the services do."""
    station = sync_table.station(session.db)
    origin, seq, lamport = station["ws_id"], station["seq"], station["lamport"]
    receipts: dict[int, int] = {}
    events: list[tuple] = []
    for dossier_id, at, kind, officer, detail in rows["events"]:
        seq, lamport = seq + 1, lamport + 1
        if kind == EventKind.RECEIVED:
            receipts[dossier_id] = seq
            events.append((dossier_id, at, kind, officer, detail, origin, seq, lamport, None, None))
        else:
            events.append((dossier_id, at, kind, officer, detail, origin, seq, lamport, origin, receipts[dossier_id]))
    rows["events"] = events
    for values in rows["dossiers"]:
        values.update(origin=origin, receipt_seq=receipts[values["id"]])
    sync_table.save_station(session.db, dict(station, seq=seq, lamport=lamport))


class _Generator:
    def __init__(self, session: Session, rng: random.Random, end: datetime, count: int):
        self.session, self.rng, self.end = session, rng, end
        self.settings = session.settings
        self.procedures = catalogue.all_procedures(session)
        weights = [FIELD_WEIGHTS.get(p.field, 5) for p in self.procedures]
        self.procedure_weights = weights
        self.rules = {p.code: TimeRules.of(self.settings, p.cutoff) for p in self.procedures}
        calendar = session.calendar
        # Over enough past months that a day holds a realistic load, at most 3 years.
        months = min(36, max(6, count // 3000))
        day = end.date() - timedelta(days=months * 30)
        self.days = []
        while day <= end.date():
            if calendar.is_working(day):
                self.days.append(day)
            day += timedelta(days=1)
        self.first_day = datetime.combine(self.days[0], time())
        self.ids = demo_table.next_ids(session.db)
        self.day_numbers = demo_table.day_numbers(session.db, self.settings.workstation)
        self.ledger = demo_table.ledger_numbers(session.db, self.settings.workstation)
        self.people = self._people(max(1, count // 3))
        self.files = self._demo_files()
        self.count = count
        self.made = 0

    def _people(self, count: int) -> list[dict]:
        """The applicants, about three dossiers each, so many come back."""
        taken = demo_table.known_id_numbers(self.session.db)
        people: list = []
        while len(people) < count:
            person = self._person()
            if person["id_number"] in taken:
                continue
            taken.add(person["id_number"])
            person.update(id=self.ids["applicant"], updated_at=iso(self.end))
            self.ids["applicant"] += 1
            people.append(person)
        with write(self.session.db):
            demo_table.insert_applicants(self.session.db, people)
            audit.log(self.session, "demo_applicants", "applicants", {"count": len(people)})
        return people

    def _person(self) -> dict:
        rng = self.rng
        surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
        if rng.random() < 0.5:
            name = f"{surname} {rng.choice(MIDDLE_MALE)} {rng.choice(GIVEN_MALE)}"
        else:
            name = f"{surname} {rng.choice(MIDDLE_FEMALE)} {rng.choice(GIVEN_FEMALE)}"
        return {
            "name": name,
            "id_number": "024" + "".join(rng.choice("0123456789") for _ in range(9)),
            "phone": "0" + rng.choice("389") + "".join(rng.choice("0123456789") for _ in range(8)),
            "address": f"{rng.choice(VILLAGES)}, xã Tân Tiến",
        }

    def _demo_files(self) -> list[str]:
        """A handful of real stored scans the demo dossiers point at."""
        shas = []
        with tempfile.TemporaryDirectory() as folder:
            for n in range(12):
                path = Path(folder) / f"scan-{n:02d}.pdf"
                path.write_bytes(b"%PDF-1.4\n% motcua demo scan " + str(n).encode() + b"\n%%EOF\n")
                sha, size = self.session.files.add(path)
                with write(self.session.db):
                    file_table.record(self.session.db, sha, size, path.name, iso(now()))
                    audit.log(self.session, "file_stored", sha)
                shas.append(sha)
        return shas

    def batch(self, size: int) -> dict:
        rows: dict[str, list] = {"reservations": [], "dossiers": [], "documents": [], "events": []}
        for _ in range(size):
            # Spread evenly over the period, in time order, so codes and ledger numbers ascend.
            index = min(len(self.days) - 1, self.made * len(self.days) // self.count)
            self.made += 1
            self._dossier(self.days[index], rows)
        return rows

    def _dossier(self, day, rows: dict) -> None:
        rng, settings = self.rng, self.settings
        proc = rng.choices(self.procedures, self.procedure_weights)[0]
        person = rng.choice(self.people)
        minute = rng.randint(7 * 60 + 30, 16 * 60 + 59)
        received = datetime.combine(day, time(minute // 60, minute % 60))
        if received > self.end:
            received = self.end - timedelta(minutes=rng.randint(1, 60))
        channel = rng.choices(["counter", "online", "postal"], [60, 30, 10])[0]
        due = due_date(received, proc.days, self.session.calendar, self.rules[proc.code])
        nth = self.day_numbers.get(day, 0) + 1
        self.day_numbers[day] = nth
        code = codes.format_code(settings.unit_code, day, codes.sequence_number(settings.workstation, nth))
        self.ledger[received.year] = self.ledger.get(received.year, 0) + 1
        dossier_id = self.ids["dossier"]
        self.ids["dossier"] += 1
        stamp = iso(received)
        rows["reservations"].append((code, day.isoformat(), settings.workstation, nth, stamp))
        values = {
            "id": dossier_id, "code": code, "code_rev": code[::-1], "unit_code": settings.unit_code,
            "workstation": settings.workstation, "procedure_code": proc.code, "procedure_name": proc.name,
            "days": proc.days, "applicant_id": person["id"], "applicant_name": person["name"],
            "name_folded": fold(person["name"]),
            "id_number": person["id_number"], "phone": person["phone"], "address": person["address"],
            "email": "", "channel": channel, "fee": proc.fee or 0, "received_at": stamp,
            "clock_start_at": iso(due.clock_start), "due_at": iso(due.due_at),
            "appointment_at": iso(due.due_at), "status": Status.RECEIVED, "result_at": None,
            "result_file": None, "returned_at": None, "returned_to": "", "return_channel": None,
            "rating": None, "apology_at": None, "apology_reason": "", "decision_reason": "",
            "supplements": 0, "ledger_year": received.year, "ledger_number": self.ledger[received.year],
            "digitized": 0, "result_digitized": 0, "reused": 0, "officer": "demo", "updated_at": stamp,
        }
        scanned = channel == "online" or rng.random() < 0.85
        documents = []
        for position, name in enumerate(proc.documents, start=1):
            shown = "xuat trinh" in fold(name)
            file_sha = rng.choice(self.files) if scanned and not shown and channel != "online" else None
            documents.append({"position": position, "name": name, "copy_kind": "original", "quantity": 1,
                              "file_sha256": file_sha, "not_required": int(shown or channel == "online"),
                              "reused_from": None})
        # The rule of counter/dossier.py: every document scanned or needing no scan.
        values["digitized"] = int(all(d["file_sha256"] or d["not_required"] for d in documents))
        events: list = []
        self._event(events, values, stamp, EventKind.RECEIVED, received_detail(values, documents))
        self._outcome(values, due.due_at, events)
        rows["documents"].extend((dossier_id, *d.values()) for d in documents)
        rows["dossiers"].append(values)
        rows["events"].extend(events)

    @staticmethod
    def _event(events: list, values: dict, at: str, kind: EventKind, detail: dict) -> None:
        events.append((values["id"], at, kind, "demo", json.dumps(detail, ensure_ascii=False)))

    def _outcome(self, values: dict, due_at: datetime, events: list) -> None:
        rng = self.rng
        received = datetime.fromisoformat(values["received_at"])
        horizon = self.end - received
        if rng.random() < 0.01 and horizon > timedelta(hours=2):
            at = received + timedelta(hours=1)
            reason = "Hồ sơ không thuộc thẩm quyền"
            values.update(status=Status.REJECTED, result_at=iso(at), decision_reason=reason)
            self._event(events, values, iso(at), EventKind.REJECTED,
                        {"reason": reason, "timeliness": judge(at, due_at)})
            return
        allowed = max(due_at - received, timedelta(hours=2))
        late = rng.random() < 0.07
        spent = allowed * (1 + rng.uniform(0.05, 0.8)) if late else allowed * rng.uniform(0.2, 0.98)
        result_at = (received + spent).replace(second=0, microsecond=0)
        if late and rng.random() < 0.7:
            apology_at = received + allowed * 0.8
            if apology_at < self.end:
                new_due = due_at + timedelta(days=rng.randint(2, 5))
                detail = {"reason": rng.choice(REASONS_LATE), "old_appointment": values["appointment_at"],
                          "new_appointment": iso(new_due)}
                values.update(apology_at=iso(apology_at), apology_reason=detail["reason"],
                              appointment_at=iso(new_due))
                self._event(events, values, iso(apology_at), EventKind.APOLOGIZED, detail)
        if result_at > self.end:
            return
        values.update(status=Status.RESULT_READY, result_at=iso(result_at))
        if rng.random() < 0.8:
            values.update(result_file=rng.choice(self.files), result_digitized=1)
        self._event(events, values, iso(result_at), EventKind.RESULT_RECORDED,
                    {"file": values["result_file"], "timeliness": judge(result_at, due_at)})
        returned_at = result_at + timedelta(hours=rng.randint(1, 72))
        if returned_at > self.end or rng.random() < 0.05:
            return
        values.update(
            status=Status.RETURNED, returned_at=iso(returned_at), returned_to=values["applicant_name"],
            return_channel="postal" if rng.random() < 0.12 else "counter",
            rating=rng.choices(["very-satisfied", "satisfied", "unsatisfied", None], [45, 40, 3, 12])[0],
        )
        self._event(events, values, iso(returned_at), EventKind.RETURNED,
                    {"to": values["returned_to"], "channel": values["return_channel"], "rating": values["rating"]})
