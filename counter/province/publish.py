"""Trang công khai hàng tháng: the month's figures and late list as one static HTML page.

The province publishes the list of late dossiers every month with the
reason and the apology (Kế hoạch 3/KH-UBND, II.7) and reports each unit's
figures against the plan's targets. The page carries everything itself
(styles, an SVG chart, a few lines of script: no network, no server), reads
on a phone (rows become cards), prints on A4, and names no applicant: the
late list holds none (counter/province/late.py), and nothing else here
reads a dossier's record. The late list sorts by any column without a
server, by a click or by the address (`?sort=days&order=desc`); without
script it stays in its printed order (by unit, then code).

Every text from a unit's files (names, procedures, reasons) is escaped.
"""

import os
import tempfile
from datetime import datetime
from html import escape
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from string import Template

from counter.clock import from_iso, now
from counter.dossier import APOLOGY_STATES
from counter.errors import CounterError
from counter.indicators import RATE_LABELS, TARGETS
from counter.province import figures, late, workbook
from counter.session import Session

TEMPLATE = Path(__file__).with_name("publish.html")
# The counts a citizen reads first (the period report's columns, indicators.md); every rate
# with a target of the plan follows them.
COUNTS = ("received", "resolved", "early", "on_time", "late", "returned", "in_progress", "overdue")
LATE_COLUMNS = (
    ("code", "Mã hồ sơ"), ("unit", "Đơn vị"), ("procedure", "Thủ tục"), ("received", "Tiếp nhận"),
    ("due", "Hạn giải quyết"), ("result", "Có kết quả"), ("days", "Số ngày trễ"), ("state", "Tình trạng"),
    ("reason", "Lý do trễ"), ("apology", "Xin lỗi"),
)
# The chart: a label column, then 0–100% over BAR_WIDTH.
LABEL_WIDTH, BAR_WIDTH, BAR, GAP = 230, 480, 13, 10


def publish(session: Session, month: str, folder: Path, authority: str = "") -> dict:
    """Write the month's page into `folder`, headed by `authority` (who publishes it);
    {"file", "units", "late"}."""
    session.require("reports")
    period = figures.period_of(month=month)
    report = figures.report(session, period)
    rows = late.late_list(session, period)
    page = render(report, rows, authority)
    target = Path(folder) / f"cong-khai-{month.strip()}.html"
    _write(target, page)
    return {"file": str(target), "units": len(report["units"]), "late": len(rows)}


def render(report: dict, rows: list[dict], authority: str = "") -> str:
    start, end = from_iso(report["from"]), from_iso(report["to"])
    last_day = datetime.fromordinal(end.toordinal() - 1)
    values = {
        "title": f"Công khai kết quả giải quyết thủ tục hành chính tháng {start:%m/%Y}",
        "authority": escape(authority) if authority else "Tổng hợp cấp tỉnh",
        "start_shown": f"{start:%d/%m/%Y}", "end_shown": f"{last_day:%d/%m/%Y}",
        "generated": f"{now():%H:%M ngày %d/%m/%Y}", "version": _version(),
        "unit_header": _unit_header(), "unit_rows": _unit_rows(report),
        "chart": _chart(report["units"]), "late_count": str(len(rows)),
        "late_header": "".join(f'<th scope="col" data-key="{key}">{label}</th>' for key, label in LATE_COLUMNS),
        "late_rows": "\n".join(_late_row(row) for row in rows),
    }
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def _rates() -> list[tuple[str, str]]:
    """(key, label) of every rate the plan sets a target for, the QĐ 766 progress first."""
    return [(key, RATE_LABELS[key]) for key in TARGETS]


def _count_label(key: str) -> str:
    return dict(workbook.COUNT_COLUMNS)[key]


def _unit_header() -> str:
    cells = ['<th scope="col">Đơn vị</th>']
    cells += [f'<th scope="col">{_count_label(key)}</th>' for key in COUNTS]
    cells += [f'<th scope="col">{label}<small>mục tiêu {TARGETS[key].text}</small></th>' for key, label in _rates()]
    return "".join(cells)


def _unit_rows(report: dict) -> str:
    lines = [_unit_row(row, escape(f"{row['name']} ({row['unit']})"), "") for row in report["units"]]
    lines.append(_unit_row(report["total"], "Toàn tỉnh", ' class="total"'))
    return "\n".join(lines)


def _unit_row(row: dict, name: str, attributes: str) -> str:
    cells = [f'<th scope="row" data-label="Đơn vị">{name}</th>']
    for key in COUNTS:
        cells.append(f'<td class="n" data-field="{key}" data-label="{_count_label(key)}">{_number(row[key])}</td>')
    for key, label in _rates():
        value = row[key]
        short = key in row["short"]  # below the plan's target (counter/indicators.py: shortfalls)
        mark = ' <span class="hidden-label">(chưa đạt mục tiêu)</span>' if short else ""
        cells.append(f'<td class="n{" short" if short else ""}" data-field="{key}"'
                     f' data-label="{label} (mục tiêu {TARGETS[key].text})">'
                     f'{_percent(value)}{mark}</td>')
    unit = f' data-unit="{escape(row["unit"])}"' if row.get("unit") else ""
    return f"      <tr{attributes}{unit}>{''.join(cells)}</tr>"


def _late_row(row: dict) -> str:
    received, due, result = (from_iso(row[key]) for key in ("received_at", "due_at", "result_at"))
    state = workbook.STATES[row["state"]]
    apology = APOLOGY_STATES[row["apology_state"]]
    if row["apology"]:
        apology += f" (ngày {from_iso(row['apology_at']):%d/%m/%Y})"
    keys = {
        "code": row["code"], "unit": row["unit_name"], "procedure": row["procedure_name"],
        "received": row["received_at"], "due": row["due_at"], "result": row["result_at"] or "",
        "days": str(row["days_late"]), "state": row["state"], "reason": row["reason"],
        "apology": row["apology_state"],
    }
    shown = {
        "code": row["code"], "unit": row["unit_name"], "procedure": row["procedure_name"],
        "received": _moment(received), "due": _moment(due), "result": _moment(result) if result else "Chưa có",
        "days": str(row["days_late"]), "state": state, "reason": row["reason"] or "Chưa nêu lý do",
        "apology": apology,
    }
    data = "".join(f' data-{key}="{escape(value)}"' for key, value in keys.items())
    number = ' class="n"'
    cells = "".join(f'<td{number if key == "days" else ""} data-label="{label}">{escape(shown[key])}</td>'
                    for key, label in LATE_COLUMNS)
    return f"      <tr{data}>{cells}</tr>"


def _chart(units: list[dict]) -> str:
    """Horizontal bars per unit: on-time rate (early included) and early rate, the targets as lines."""
    height = 28 + max(1, len(units)) * (2 * BAR + GAP + 4)
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img"'
             f' aria-label="Tỷ lệ đúng hạn và trước hạn của {len(units)} đơn vị">']
    for tick in range(0, 101, 20):
        x = LABEL_WIDTH + BAR_WIDTH * tick // 100
        parts.append(f'<line x1="{x}" y1="18" x2="{x}" y2="{height}" stroke="#d0d5dc"/>'
                     f'<text x="{x}" y="12" text-anchor="middle">{tick}%</text>')
    for key in ("on_time_rate", "early_rate"):
        x = LABEL_WIDTH + round(BAR_WIDTH * TARGETS[key].value)
        parts.append(f'<line x1="{x}" y1="18" x2="{x}" y2="{height}" stroke="#c07a00" stroke-width="2"'
                     f' stroke-dasharray="5 3"><title>Mục tiêu {TARGETS[key].text}</title></line>')
    y = 24
    for row in units:
        name = escape(row["name"])
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR + 4}" text-anchor="end">{name}</text>')
        for offset, key, colour, label in ((0, "on_time_rate", "#1f6f43", "Đúng hạn"),
                                           (BAR + 2, "early_rate", "#2f6db5", "Trước hạn")):
            value = row[key]
            top = y + offset
            if value is None:
                parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{top + BAR - 2}" fill="#5a6270">chưa có hồ sơ'
                             " giải quyết</text>")
                continue
            length = round(BAR_WIDTH * value, 1)
            parts.append(f'<rect class="bar" data-unit="{escape(row["unit"])}" data-rate="{key}" x="{LABEL_WIDTH}"'
                         f' y="{top}" width="{length}" height="{BAR}" fill="{colour}">'
                         f"<title>{name}: {label.lower()} {_percent(value)}</title></rect>"
                         f'<text x="{LABEL_WIDTH + length + 4}" y="{top + BAR - 2}">{_percent(value)}</text>')
        y += 2 * BAR + GAP + 4
    parts.append("</svg>")
    return "\n".join(parts)


def _moment(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y %H:%M}"


def _number(value: int) -> str:
    """12.345: the thousands separator Vietnamese uses."""
    return f"{value:,}".replace(",", ".")


def _percent(value: float | None) -> str:
    """93,9%: the decimal comma Vietnamese uses."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"


def _version() -> str:
    try:
        return version("motcua")
    except PackageNotFoundError:
        return ""


def _write(target: Path, page: str) -> None:
    """Whole or not at all: a page half written is never left where the site serves it."""
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".cong-khai-", suffix=".html")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(page)
        os.chmod(temporary, 0o644)  # a page for the public web server to read
        os.replace(temporary, target)
    except OSError as exc:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
        raise CounterError(f"Không ghi được trang {target}: {exc.strerror or exc}.", f"cannot write {target}") from None
