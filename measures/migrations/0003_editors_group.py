"""The Editors group: people who keep the knowledge base current but administer nothing.

Editors add, change and view sources, measures and entries, publish entries, and look up the
regions and instrument types entries point to. They delete nothing and manage no users; deleting
stays with superusers, so every removal is a deliberate act by an administrator. The history pages
need no permission of their own: django-simple-history checks the model's view and change
permissions unless SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS is set.
"""

from django.apps import apps as installed_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

EDITOR_PERMISSIONS = {
    "measures": [
        "add_instrument",
        "change_instrument",
        "view_instrument",
        "publish_instrument",
        "add_measure",
        "change_measure",
        "view_measure",
        "add_source",
        "change_source",
        "view_source",
        "view_instrumenttype",
    ],
    "regions": ["view_region"],
}


def create_editors_group(apps, schema_editor):
    database = schema_editor.connection.alias
    # Permissions are normally created after the whole migrate run; the group needs them now.
    for app_label in EDITOR_PERMISSIONS:
        create_permissions(
            installed_apps.get_app_config(app_label), verbosity=0, using=database, apps=apps
        )

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.using(database).get_or_create(name=EDITORS)
    permissions = []
    for app_label, codenames in EDITOR_PERMISSIONS.items():
        found = list(
            Permission.objects.using(database).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )
        missing = set(codenames) - {permission.codename for permission in found}
        if missing:
            raise RuntimeError(f"Permissions missing for the Editors group: {sorted(missing)}")
        permissions.extend(found)
    group.permissions.set(permissions)


def delete_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_instrument_publish_permission"),
        ("regions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, delete_editors_group)]
