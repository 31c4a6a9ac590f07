"""Background tasks: workflow e-mail after each committed step, the page cache warmed after a
publication, and the database queue that a worker empties."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from newsroom.editorial.signals import step_taken
from newsroom.models import PressRelease

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def addressed(editor, contributor, make_staff):
    """The editor and a second one, and the contributor, all with addresses."""
    second = make_staff("second-editor", "Editors")
    for user, address in (
        (editor, "editor@example.org"),
        (second, "second@example.org"),
        (contributor, "author@example.org"),
    ):
        user.email = address
        user.save()
    return editor, second, contributor


@pytest.fixture
def draft(make_release, make_organisation, contributor):
    release = make_release(
        status=PressRelease.Status.DRAFT, publish_at=None, created_by=contributor
    )
    release.organisations.add(make_organisation())
    return release


@pytest.fixture
def finished_tasks():
    """The results of the tasks run while the test runs, in order."""
    results = []

    def record(sender, task_result, **kwargs):
        results.append(task_result)

    task_finished.connect(record)
    yield results
    task_finished.disconnect(record)


def test_a_submission_is_mailed_to_every_editor(
    db, draft, addressed, django_capture_on_commit_callbacks
):
    _editor, _second, contributor = addressed
    with django_capture_on_commit_callbacks(execute=True):
        draft.submit(contributor, comment="Ready for the morning.")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "editor@example.org",
        "second@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == f"For review: {draft.title}"
    assert "Ready for the morning." in message.body
    assert f"/admin/newsroom/pressrelease/{draft.pk}/change/" in message.body
    # Each editor gets a message of their own: no one sees the others' addresses.
    assert all(len(message.to) == 1 for message in mail.outbox)


def test_a_return_is_mailed_to_the_author_with_the_comment(
    db, draft, addressed, django_capture_on_commit_callbacks
):
    editor, _second, contributor = addressed
    with django_capture_on_commit_callbacks(execute=True):
        draft.submit(contributor)
    mail.outbox.clear()
    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        draft.return_to_draft(editor, comment="Name the second delegation.")
    (message,) = mail.outbox
    assert message.to == ["author@example.org"]
    assert message.subject == f"Returned to you: {draft.title}"
    assert "Name the second delegation." in message.body


def test_a_publication_is_mailed_to_the_author(
    db, draft, addressed, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://news.example.org"
    editor, _second, _contributor = addressed
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish(editor)
    (message,) = mail.outbox
    assert message.to == ["author@example.org"]
    assert message.subject == f"Published: {draft.title}"
    assert f"https://news.example.org/news/{draft.slug}/" in message.body


def test_a_scheduled_publication_says_when(
    db, draft, addressed, django_capture_on_commit_callbacks
):
    editor, _second, _contributor = addressed
    later = timezone.now() + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish(editor, at=later)
    (message,) = mail.outbox
    assert message.subject == f"Scheduled: {draft.title}"
    assert "scheduled it to appear at" in message.body


def test_no_mail_for_ones_own_step_or_a_step_rolled_back(
    db, make_release, addressed, django_capture_on_commit_callbacks
):
    editor, _second, _contributor = addressed
    own = make_release(status=PressRelease.Status.DRAFT, publish_at=None, created_by=editor)
    # Not publishable: no organisation. The step is refused and nothing is committed.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        own.publish(editor)
    assert callbacks == [] and mail.outbox == []
    own = PressRelease.objects.get(pk=own.pk)
    with django_capture_on_commit_callbacks(execute=True):
        own.submit(editor)
    # The other editor hears of it; the one who submitted does not.
    assert [message.to for message in mail.outbox] == [["second@example.org"]]


def test_the_step_is_announced_once_after_the_commit(
    db, draft, contributor, django_capture_on_commit_callbacks
):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    step_taken.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            draft.submit(contributor, comment="Please look.")
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        step_taken.disconnect(listen)
    assert len(heard) == 1
    assert heard[0]["release"].pk == draft.pk
    assert (heard[0]["step"], heard[0]["by"], heard[0]["comment"]) == (
        "submit",
        contributor,
        "Please look.",
    )


def test_with_the_database_queue_mail_waits_for_the_worker(
    db, draft, addressed, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_QUEUE
    _editor, _second, contributor = addressed
    with django_capture_on_commit_callbacks(execute=True):
        draft.submit(contributor)
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(task_path__endswith="send_workflow_mail").count() == 1
    # The worker closes old connections between tasks, which would end the test's own.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert len(mail.outbox) == 2
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_publication_warms_the_home_page_and_the_release_page(
    client, make_release, make_organisation, make_staff, settings, finished_tasks,
    django_assert_num_queries,
):  # fmt: skip
    settings.SITE_URL = "http://testserver"
    editor = make_staff("warm-editor", "Editors")
    release = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    release.organisations.add(make_organisation())
    release.publish(editor)

    warm_ups = [r for r in finished_tasks if r.task.name == "warm_up_pages"]
    # Announced inside the transaction and again after it: only the second one counts.
    assert len(warm_ups) == 1
    assert warm_ups[0].return_value == {
        "/": 200,
        "/ru/": 200,
        "/zh-hans/": 200,
        f"/news/{release.slug}/": 200,
    }
    # The pages are in the cache: a reader's request costs no query at all.
    with django_assert_num_queries(0):
        assert client.get(f"/news/{release.slug}/").status_code == 200
        assert client.get("/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_warm_up_without_the_sites_address(
    make_release, make_organisation, make_staff, settings, finished_tasks
):
    settings.SITE_URL = ""
    editor = make_staff("warm-editor", "Editors")
    release = make_release(status=PressRelease.Status.DRAFT, publish_at=None)
    release.organisations.add(make_organisation())
    release.publish(editor)
    (warm_up,) = [r for r in finished_tasks if r.task.name == "warm_up_pages"]
    assert warm_up.return_value == {}
