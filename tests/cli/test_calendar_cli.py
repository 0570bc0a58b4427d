"""The calendar commands and provisional years through the command line (issue 11, section 1)."""

from counter.session import Session
from tests.counter.helpers import table_dump


def test_due_date_json_says_whether_the_year_is_provisional(cli):
    official = cli.json("due-date", "--from", "2025-12-31 10:00", "--days", "2")
    assert official["provisional"] is False and official["due_at"] == "2026-01-06T10:00:00"
    assert {"date": "2026-01-02", "kind": "skipped", "reason": "Nghỉ hoán đổi dịp Tết Dương lịch, làm bù Thứ Bảy "
            "10/01/2026 — theo Văn bản 12729/VPCP-KGVX ngày 25/12/2025"} in official["explain"]
    assert cli.json("due-date", "--from", "2026-01-08 10:00", "--days", "2")["due_at"] == "2026-01-10T10:00:00"
    forecast = cli.json("due-date", "--from", "2027-03-01 09:00", "--days", "3")
    assert forecast["provisional"] is True and forecast["due_at"] == "2027-03-04T09:00:00"
    assert forecast["explain"][-1]["kind"] == "provisional"
    assert "năm 2027 chưa có văn bản chính thức" in forecast["explain"][-1]["reason"]
    code, text, _ = cli("due-date", "--from", "2027-03-01 09:00", "--days", "3")
    assert code == 0 and text.splitlines()[0] == "Hạn giải quyết: 09:00 04/03/2027 (dự kiến)"


def test_calendar_show_marks_a_provisional_year(cli):
    code, text, _ = cli("calendar", "show", "2027")
    assert code == 0 and text.startswith("Lịch năm 2027: DỰ KIẾN — chưa có văn bản chính thức")
    assert "  08/02/2027 (Thứ Hai): Mùng ba Tết Nguyên Đán (dự kiến)" in text.splitlines()
    shown = cli.json("calendar", "show", "2027")
    assert shown["provisional"] is True and shown["decisions"] == []
    official = cli.json("calendar", "show", "2026")
    assert official["provisional"] is False
    assert "Văn bản 12729/VPCP-KGVX ngày 25/12/2025" in official["decisions"]
    code, text, _ = cli("calendar", "show", "2026")
    assert text.startswith("Lịch năm 2026: chính thức, theo ") and "12729/VPCP-KGVX" in text.splitlines()[0]


def test_an_imported_calendar_with_the_years_decision_makes_the_year_official(cli, tmp_path):
    source = tmp_path / "lich-2027.csv"
    source.write_text("Ngày,Loại,Lý do,Căn cứ\n"
                      "04/02/2027,nghỉ,\"Tết Âm lịch, 28 tháng Chạp\",Thông báo 1234/TB-BNV ngày 20/10/2026\n"
                      "05/02/2027,nghỉ,\"Tết Âm lịch, 29 tháng Chạp\",Thông báo 1234/TB-BNV ngày 20/10/2026\n",
                      encoding="utf-8")
    code, text, err = cli("calendar", "import", str(source))
    assert code == 0, err
    assert text.splitlines() == ["Đã nhập 2 ngày vào lịch riêng của đơn vị.",
                                 "Năm 2027 từ nay tính theo lịch chính thức (Thông báo 1234/TB-BNV ngày 20/10/2026)."]
    shown = cli.json("calendar", "show", "2027")
    assert shown["provisional"] is False and shown["decisions"] == ["Thông báo 1234/TB-BNV ngày 20/10/2026"]
    due = cli.json("due-date", "--from", "2027-03-01 09:00", "--days", "3")
    assert due["provisional"] is False and "provisional" not in [s["kind"] for s in due["explain"]]
    # The export carries the decision, so a commune that re-imports it gets the same official year.
    out = tmp_path / "xa.csv"
    assert cli("calendar", "export", str(out))[0] == 0
    assert "2027-02-04,off,\"Tết Âm lịch, 28 tháng Chạp — theo Thông báo 1234/TB-BNV ngày 20/10/2026\"" in \
        out.read_text(encoding="utf-8")


def test_a_local_day_off_leaves_the_year_provisional(cli):
    assert cli("calendar", "set", "2027-03-02", "off", "--reason", "Bầu cử")[0] == 0
    assert cli.json("calendar", "show", "2027")["provisional"] is True


def test_a_day_against_the_official_calendar_is_refused_with_one_line_and_changes_nothing(cli, db_path, tmp_path):
    bad = tmp_path / "tinh.csv"
    bad.write_text("date,type,reason\n2026-03-02,off,Bầu cử\n2026-01-10,off,Nghỉ\n", encoding="utf-8")
    with Session(db_path) as session:
        before = table_dump(session)
    for argv in (("calendar", "set", "2026-01-02", "work"), ("calendar", "import", str(bad))):
        code, out, err = cli(*argv)
        assert code != 0 and out == ""
        assert len(err.strip().splitlines()) == 1 and "theo lịch chính thức" in err, err
    with Session(db_path) as session:
        assert table_dump(session) == before
