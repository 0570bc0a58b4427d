"""The province side of the trust suite (tests/counter/test_trust.py) again, on PostgreSQL.

Every test below talks to the province only through counter/province/ and the
CLI's services, so it runs unchanged against a server database: enrolment,
revocation and rotation of workstation keys, the audit anchors, encrypted
exports, packages and acknowledgements. "Nothing changed" compares every
table of the server database (tests/postgres.py: pg_dump) instead of the
SQLite file's.
"""

import pytest

from counter.province.importing import import_files
from counter.province.server import ServerSession
from tests.counter import test_trust as sqlite_suite
from tests.counter.export_helpers import dump, export_file
from tests.counter.test_trust import (  # noqa: F401 (the tests run here again)
    DAY,
    test_a_certificate_from_a_revoked_key_vouches_for_nothing,
    test_a_file_edited_after_signing_or_truncated_is_refused,
    test_a_package_calendar_moves_the_due_dates_of_open_dossiers_and_says_which,
    test_a_package_reports_the_procedures_it_adds_and_changes,
    test_a_package_with_a_bad_signature_another_key_or_an_older_sequence_changes_nothing,
    test_a_re_sealed_file_keeps_a_signature_that_no_longer_matches,
    test_a_replayed_file_changes_nothing_and_an_old_key_cannot_sign_new_files,
    test_a_revoked_key_and_another_unit_s_key_are_refused,
    test_a_rotated_key_is_taken_from_the_first_file_that_carries_its_certificate,
    test_a_tail_cut_of_the_audit_is_reported_at_the_next_import,
    test_acknowledgements_show_the_gap_and_a_resend_fills_it,
    test_an_acknowledgement_from_another_key_or_for_another_counter_is_refused,
    test_an_encrypted_file_cut_or_altered_is_refused,
    test_an_unknown_key_is_refused_whoever_it_says_it_is,
    test_an_unsigned_format_2_file_is_refused,
    test_files_arriving_out_of_order_still_meet_in_the_chain,
    test_history_rewritten_before_the_last_export_is_reported_even_with_every_hash_recomputed,
    test_hostile_packages_and_acknowledgements_are_refused_and_change_nothing,
    test_nothing_at_the_unit_is_deleted_whatever_the_province_acknowledges,
    test_the_documented_script_reads_an_encrypted_export_with_cryptography_alone,
    test_the_first_package_pins_the_province_key_once_confirmed,
    test_the_same_export_from_a_key_revoked_since_is_refused_not_skipped,
)

unit = sqlite_suite.unit  # the unit fixture


@pytest.fixture
def province(pg_url, tmp_path, unit):
    """As the SQLite suite's: the province's keys, the unit's key enrolled, a neighbour's file imported."""
    with ServerSession(pg_url, "Sở Nội vụ") as session:
        sqlite_suite.with_a_neighbour(session, unit, tmp_path)
        yield session


@pytest.fixture(autouse=True)
def _tables_of_the_server(monkeypatch):
    """The suite's `table_dump` of a province on a server is the server's dump (a unit's stays SQLite's)."""
    real = sqlite_suite.table_dump
    monkeypatch.setattr(sqlite_suite, "table_dump",
                        lambda session: dump(session.path) if isinstance(session, ServerSession) else real(session))


def test_format_1_files_import_only_when_asked_and_each_is_audited(unit, province, tmp_path):
    """As on SQLite, the audit row in the server's own trail (province_audit)."""
    import psycopg

    from counter.errors import CounterError
    from tests.counter.export_helpers import as_format_1

    sqlite_suite._receive(unit)
    old = as_format_1(export_file(unit, tmp_path / "out"), tmp_path)
    before = dump(province.path)
    with pytest.raises(CounterError, match="--accept-unsigned"):
        import_files(province, [old])
    assert dump(province.path) == before
    assert import_files(province, [old], accept_unsigned=True)["files"] == 1
    with psycopg.connect(province.path) as conn:
        [(target,)] = conn.execute("SELECT target FROM province_audit WHERE action = 'province_unsigned_accepted'")
    assert target == old.name
    assert province.province.audit_broken() is None
