"""Editors keep instruments as they keep mentions: they add and change instruments and their
aliases (merging and splitting included) and change the stage rules. They delete nothing."""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

GRANTED = [
    "add_instrument",
    "change_instrument",
    "view_instrument",
    "add_instrumentalias",
    "change_instrumentalias",
    "view_instrumentalias",
    "add_stagerule",
    "change_stagerule",
    "view_stagerule",
]


def grant(apps, schema_editor):
    database = schema_editor.connection.alias
    # Permissions are normally created after the whole migrate run; the group needs them now.
    create_permissions(
        installed_apps.get_app_config("measures"), verbosity=0, using=database, apps=apps
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(database).filter(name=EDITORS).first()
    if group is None:
        return
    found = Permission.objects.using(database).filter(
        content_type__app_label="measures", codename__in=GRANTED
    )
    missing = set(GRANTED) - set(found.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions missing for the Editors group: {sorted(missing)}")
    group.permissions.add(*found)


def revoke(apps, schema_editor):
    database = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(database).filter(name=EDITORS).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.using(database).filter(
                content_type__app_label="measures", codename__in=GRANTED
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0014_every_mention_has_an_instrument"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
