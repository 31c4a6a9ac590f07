import pytest

from newsroom.models import Office, Organisation, Participant, Person

pytestmark = pytest.mark.django_db

HOME_QUERIES = 6
DETAIL_QUERIES = 10


def populate(make_release, count):
    organisation = Organisation.objects.create(name="Org", slug="org", short_name="ORG")
    office = Office.objects.create(organisation=organisation, title="Head", slug="head")
    person = Person.objects.create(name="A Person", slug="a-person")
    releases = []
    for number in range(count):
        release = make_release()
        release.organisations.add(organisation)
        release.tags.add(f"topic {number}", "shared topic")
        Participant.objects.create(release=release, person=person, office=office, order=1)
        Participant.objects.create(release=release, office=office, order=2)
        releases.append(release)
    return releases


@pytest.mark.parametrize("count", [1, 25])
def test_home_page_uses_a_fixed_number_of_queries(
    client, make_release, count, django_assert_max_num_queries
):
    populate(make_release, count)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.parametrize("participants", [1, 30])
def test_release_page_uses_a_fixed_number_of_queries(
    client, make_release, participants, django_assert_max_num_queries
):
    release = populate(make_release, 1)[0]
    office = Office.objects.get()
    for number in range(participants):
        person = Person.objects.create(name=f"Person {number}", slug=f"person-{number}")
        Participant.objects.create(release=release, person=person, office=office, order=10 + number)
        release.tags.add(f"extra {number}")
    with django_assert_max_num_queries(DETAIL_QUERIES):
        response = client.get(release.get_absolute_url())
    assert response.status_code == 200
    assert "Person 29" in response.content.decode() or participants == 1
