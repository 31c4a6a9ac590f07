import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# username, group, name shown in the admin and its messages, what the account may do
DEMO_ACCOUNTS = [
    ("editor", "Editors", ("Demo", "Editor"), "Demo editor: may publish and withdraw."),
    (
        "contributor",
        "Contributors",
        ("Demo", "Contributor"),
        "Demo contributor: writes drafts and submits them.",
    ),
]


class Command(BaseCommand):
    help = (
        "Create the demo editor and contributor accounts and print their passwords once. "
        "Passwords are never stored in fixtures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Give existing demo accounts new passwords and print them.",
        )

    @transaction.atomic
    def handle(self, *args, reset, **options):
        User = get_user_model()
        for username, group_name, (first_name, last_name), description in DEMO_ACCOUNTS:
            try:
                group = Group.objects.get(name=group_name)
            except Group.DoesNotExist:
                raise CommandError(
                    f"The group {group_name!r} is missing; run 'manage.py migrate' first."
                ) from None
            user, created = User.objects.get_or_create(username=username)
            user.groups.add(group)
            if created or reset:
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user.is_staff = True
                user.first_name, user.last_name = first_name, last_name
                user.save()
                self.stdout.write(f"{description}\n  username: {username}  password: {password}")
            else:
                self.stdout.write(
                    f"The account {username!r} already exists; "
                    "use --reset to give it a new password."
                )
