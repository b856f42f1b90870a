"""Backups: written whole, checked before a restore. bench/backup_check.py (CI) restores one into a
new database and compares every public page."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from measures.backups import back_up, restore
from measures.management.commands.load_knowledge_base import load_knowledge_base
from measures.models import Mention
from tests.factories import make_mention
from tests.measures.test_migrations import BEFORE_RENAME, RENAME, migrate

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


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_before_the_mention_rename_restores_and_migrate_brings_it_up_to_date(
    tmp_path,
):
    # A backup is the whole database, schema and applied migrations included: one written before
    # measures/0011 restores as it was, and `manage.py migrate` renames what it holds.
    load_knowledge_base()
    edited = Mention.objects.published().order_by("pk").first()
    edited.name = f"{edited.name}（已修订）"
    edited.save()
    kept = sorted(Mention.objects.values_list("pk", "key", "name", "status"))
    history = Mention.history.count()
    path = tmp_path / "before-rename"
    try:
        migrate(BEFORE_RENAME)
        back_up(path=path)
        migrate()
        make_mention(measure=edited.measure, name="备份之后新增的条目")

        restore(path=path)
        # The database is as the backup holds it: from before the rename.
        applied = MigrationRecorder(connection).migration_qs.filter(app="measures")
        assert not applied.filter(name=RENAME[1]).exists()
    finally:
        migrate()

    assert sorted(Mention.objects.values_list("pk", "key", "name", "status")) == kept
    assert Mention.history.count() == history
    assert Mention.objects.get(pk=edited.pk).name == edited.name
