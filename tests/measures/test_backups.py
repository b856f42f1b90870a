"""Backups: written whole, checked before a restore. bench/backup_check.py (CI) restores one into a
new database and compares every public page."""

import pytest
from django.core.management import CommandError, call_command

from measures.backups import back_up, restore

pytestmark = pytest.mark.django_db


def test_a_backup_is_written_whole_and_reads_back(tmp_path):
    path = tmp_path / "nested" / "backup"
    assert back_up(path=path) == path.stat().st_size > 0
    assert not list(tmp_path.rglob("*.partial"))
    held = restore(path=path, dry_run=True)
    assert int(held.split()[0]) > 10  # tables or dump entries: the schema came along


def test_restore_refuses_a_missing_or_damaged_file(tmp_path):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", str(tmp_path / "missing.dump"))
    damaged = tmp_path / "damaged.dump"
    damaged.write_bytes(b"not a backup" * 100)
    with pytest.raises(CommandError):
        call_command("restore", str(damaged), "--dry-run")


def test_the_backup_command_names_its_file_by_time(tmp_path, capsys):
    call_command("backup", "--directory", str(tmp_path))
    (written,) = tmp_path.iterdir()
    assert written.name.startswith("qhreform-")
    assert written.suffix in {".dump", ".sqlite3"}
    assert str(written) in capsys.readouterr().out
