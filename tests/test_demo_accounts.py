import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_created_in_their_groups_with_printed_passwords(capsys):
    call_command("create_demo_accounts")
    output = capsys.readouterr().out
    User = get_user_model()
    editor = User.objects.get(username="editor")
    contributor = User.objects.get(username="contributor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.has_perm("newsroom.publish_pressrelease")
    assert contributor.groups.filter(name="Contributors").exists()
    assert not contributor.has_perm("newsroom.publish_pressrelease")
    password = output.split("username: editor  password: ")[1].split()[0]
    assert editor.check_password(password)
    # The admin and its messages name people by their names, not their job description.
    assert editor.get_full_name() == "Demo Editor"
    assert "Demo contributor: writes drafts and submits them." in output


def test_running_again_keeps_existing_passwords(capsys):
    call_command("create_demo_accounts")
    first = get_user_model().objects.get(username="editor").password
    call_command("create_demo_accounts")
    assert get_user_model().objects.get(username="editor").password == first
    assert "already exists" in capsys.readouterr().out


def test_editors_may_unlock_colleagues_locked_out_and_contributors_may_not(editor, contributor):
    assert editor.has_perms(["axes.view_accessattempt", "axes.delete_accessattempt"])
    assert not contributor.has_perm("axes.delete_accessattempt")
