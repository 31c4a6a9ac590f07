import pytest

from newsroom.demo import SEED_SLUG

pytestmark = pytest.mark.django_db


def test_home_shows_the_seed_release(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    assert (
        "SCO Secretary-General meets with top administrative officials" in response.content.decode()
    )


def test_release_page_shows_dateline_lead_participants_organisations_and_topics(client, demo):
    response = client.get(f"/news/{SEED_SLUG}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "QINGDAO, 9 June 2018 —" in page
    assert "chaired a regular format meeting" in page
    assert "Sergei Lebedev" in page and "Yury Khachaturov" in page
    assert "Chairman of the Executive Committee — Executive Secretary" in page
    assert "Collective Security Treaty Organisation" in page
    assert "drug trafficking" in page


def test_pages_for_linked_records_answer(client, demo):
    for url in [
        "/organisations/sco/",
        "/people/sergei-lebedev/",
        "/documents/sco-heads-of-state-joint-appeal-to-youth/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_favicon_is_found(client, db):
    from django.conf import settings

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.ico"
    icon = settings.BASE_DIR / "static" / "img" / "favicon.ico"
    assert icon.read_bytes()[:4] == b"\x00\x00\x01\x00"  # an icon file, several sizes
