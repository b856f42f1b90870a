from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

#: Created, with its permissions, by the migration measures/0003_editors_group.
EDITORS_GROUP = "Editors"


@dataclass
class EditorChange:
    user: object
    created: bool
    already_editor: bool


def make_editor(username, *, create=False, dry_run=False):
    """Let `username` sign in to the admin as a member of the Editors group.

    With `create`, a missing account is created with an unusable password, so nobody can sign in
    with it until an administrator sets one (`manage.py changepassword`). Raises LookupError when
    the account or the group does not exist.
    """
    User = get_user_model()
    with transaction.atomic():
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise LookupError(
                f"There is no {EDITORS_GROUP} group; run `manage.py migrate` first."
            ) from None
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            if not create:
                raise LookupError(f"There is no user {username!r}; add --create to create one.")
            user = User(**{User.USERNAME_FIELD: username})
            user.set_unusable_password()
        already_editor = not created and user.is_staff and user.groups.filter(pk=group.pk).exists()
        user.is_staff = True
        user.save()
        user.groups.add(group)
        if dry_run:
            transaction.set_rollback(True)
    return EditorChange(user=user, created=created, already_editor=already_editor)


class Command(BaseCommand):
    help = (
        "Make a user an editor: staff access to the admin and membership of the Editors group "
        "(add, change and publish entries; no deleting, no user management)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--create",
            action="store_true",
            help="Create the user if missing, with no usable password (set one afterwards).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args, username, create, dry_run, **options):
        try:
            change = make_editor(username, create=create, dry_run=dry_run)
        except LookupError as error:
            raise CommandError(str(error)) from None
        if change.created:
            self.stdout.write(f"{'Would create' if dry_run else 'Created'} user {username!r}.")
        if change.already_editor:
            self.stdout.write(f"{username!r} is already an editor.")
        else:
            verb = "would now be" if dry_run else "is now"
            self.stdout.write(f"{username!r} {verb} an editor (staff, group {EDITORS_GROUP}).")
        if change.created:
            self.stdout.write(
                "The account has no usable password yet. Set one with:\n"
                f"  python manage.py changepassword {username}"
            )
        if not change.user.is_active:
            self.stdout.write(self.style.WARNING(f"{username!r} is inactive and cannot sign in."))
