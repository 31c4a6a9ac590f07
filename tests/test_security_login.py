"""Staff sign-in: lock-out after repeated failures, unlocking, and password reset by e-mail."""

import datetime
import logging
import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core import mail
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"
WRONG = "Wrong-guess-4711"
LIMIT = settings.AXES_FAILURE_LIMIT


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def signed_in(client):
    return "_auth_user_id" in client.session


def lock_out(client, username, address="192.0.2.10"):
    responses = [sign_in(client, username, WRONG, address) for _ in range(LIMIT)]
    assert [r.status_code for r in responses[:-1]] == [200] * (LIMIT - 1)
    return responses[-1]


@pytest.fixture
def staff(make_staff):
    user = make_staff("amina", "Contributors")
    user.email = "amina@example.org"
    user.save()
    return user


def test_the_configured_number_of_failures_locks_the_account_out(client, staff):
    assert LIMIT == 5
    locked = lock_out(client, "amina")
    assert locked.status_code == 429
    # Now the right password is refused too, with the message.
    response = sign_in(client, "amina", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Sign-in blocked" in page
    assert f"There have been {LIMIT} unsuccessful attempts to sign in as “amina”" in page
    assert "Wait 30 minutes" in page
    assert 'href="/admin/password-reset/"' in page
    assert response["Retry-After"] == str(30 * 60)
    # In the admin's look: its header and style sheet.
    assert 'id="site-name"' in page and "/static/admin/css/base.css" in page


def test_fewer_failures_leave_the_right_password_working(client, staff):
    for _ in range(LIMIT - 1):
        assert sign_in(client, "amina", WRONG).status_code == 200
    assert sign_in(client, "amina", PASSWORD).status_code == 302
    assert signed_in(client)
    # A success starts the count again.
    assert AccessAttempt.objects.filter(username="amina").count() == 0


def test_the_lock_is_for_the_user_and_address_together(staff, make_staff):
    make_staff("boris", "Contributors")
    lock_out(Client(), "amina", address="192.0.2.10")
    other_address = Client()
    assert sign_in(other_address, "amina", PASSWORD, address="198.51.100.20").status_code == 302
    other_user = Client()
    assert sign_in(other_user, "boris", PASSWORD, address="192.0.2.10").status_code == 302


def test_the_password_is_never_stored_or_logged(client, staff, caplog):
    caplog.set_level(logging.DEBUG)
    lock_out(client, "amina")
    sign_in(client, "amina", PASSWORD)
    sign_in(Client(), "amina", PASSWORD, address="198.51.100.20")
    assert caplog.records, "django-axes reports failures to the log"
    assert WRONG not in caplog.text and PASSWORD not in caplog.text
    for attempt in AccessAttempt.objects.all():
        assert WRONG not in attempt.post_data + attempt.get_data
        assert PASSWORD not in attempt.post_data + attempt.get_data
    assert AccessLog.objects.filter(username="amina").exists()


def test_the_lock_ends_after_the_cool_off_time(client, staff):
    lock_out(client, "amina")
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert sign_in(client, "amina", PASSWORD).status_code == 302


@override_settings(AXES_COOLOFF_TIME=None)
def test_without_a_cool_off_the_lock_lasts_until_someone_unlocks(client, staff):
    lock_out(client, "amina")
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    )
    response = sign_in(client, "amina", PASSWORD)
    assert response.status_code == 429
    assert "Wait" not in response.content.decode()
    assert "Retry-After" not in response


def test_an_editor_unlocks_in_the_admin_and_a_contributor_may_not(
    client, staff, editor, contributor, login
):
    lock_out(client, "amina")
    attempt = AccessAttempt.objects.get(username="amina")
    delete_url = f"/admin/axes/accessattempt/{attempt.pk}/delete/"

    assert login(contributor).post(delete_url, {"post": "yes"}).status_code == 403
    assert sign_in(client, "amina", PASSWORD).status_code == 429

    unlocker = login(editor)
    listing = unlocker.get("/admin/axes/accessattempt/?locked_out=yes").content.decode()
    assert "amina" in listing
    assert unlocker.post(delete_url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "amina", PASSWORD).status_code == 302
    assert signed_in(client)


def reset_link(message):
    return re.search(r"https?://\S+/password-reset/\S+/\S+/", message.body).group(0)


def test_the_sign_in_page_offers_password_reset(client, db):
    page = client.get("/admin/login/").content.decode()
    assert 'href="/admin/password-reset/"' in page


def test_password_reset_mails_a_working_link_to_the_staff_address(client, staff):
    response = client.post("/admin/password-reset/", {"email": "amina@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/password-reset/sent/"
    assert client.get(response["Location"]).status_code == 200
    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    link = reset_link(message)
    assert link.startswith("http://testserver/admin/password-reset/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Another-secret-2024", "new_password2": "Another-secret-2024"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/admin/password-reset/done/"
    assert client.get(done["Location"]).status_code == 200
    assert sign_in(client, "amina", "Another-secret-2024").status_code == 302
    # The link works once.
    assert "new_password1" not in client.get(link, follow=True).content.decode()


def test_password_reset_says_nothing_about_unknown_addresses(client, staff):
    response = client.post("/admin/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/password-reset/sent/"
    assert mail.outbox == []


@override_settings(
    SITE_URL="https://news.example.org", ALLOWED_HOSTS=["news.example.org", "localhost"]
)
def test_the_reset_link_leads_to_the_site_url_whatever_host_was_named(staff):
    Client(headers={"host": "localhost"}).post(
        "/admin/password-reset/", {"email": "amina@example.org"}
    )
    [message] = mail.outbox
    assert reset_link(message).startswith("https://news.example.org/admin/password-reset/")


def test_a_password_reset_lifts_the_lock(client, staff):
    lock_out(client, "amina")
    client.post("/admin/password-reset/", {"email": "amina@example.org"})
    form_page = client.get(reset_link(mail.outbox[0]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Another-secret-2024", "new_password2": "Another-secret-2024"},
    )
    assert sign_in(client, "amina", "Another-secret-2024").status_code == 302
    assert signed_in(client)
