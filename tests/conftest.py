import datetime

import pytest
from django.utils import timezone

from newsroom.models import Organisation, PressRelease

PAST = datetime.datetime(2024, 1, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def demo(db):
    """The demo data set, as `make demo` loads it."""
    from django.core.management import call_command

    call_command("loaddata", "demo", verbosity=0)


@pytest.fixture
def make_organisation(db):
    counter = iter(range(1, 1_000_000))

    def make(**overrides):
        number = next(counter)
        fields = {"name": f"Organisation {number}", "slug": f"organisation-{number}"}
        fields.update(overrides)
        return Organisation.objects.create(**fields)

    return make


@pytest.fixture
def make_release(db):
    """Create a release; ``status`` and dates may be overridden as the test needs."""
    counter = iter(range(1, 1_000_000))

    def make(**overrides):
        number = next(counter)
        fields = {
            "title": f"Release {number}",
            "slug": f"release-{number}",
            "lead": f"Lead of release {number}.",
            "body": f"<p>Body of release {number}.</p>",
            "dateline_place": "Qingdao",
            "dateline_date": datetime.date(2024, 1, 1),
            "status": PressRelease.Status.PUBLISHED,
            "publish_at": PAST,
        }
        fields.update(overrides)
        if fields["status"] == PressRelease.Status.PUBLISHED and fields["publish_at"]:
            fields.setdefault("first_published_at", min(fields["publish_at"], timezone.now()))
        if fields["status"] == PressRelease.Status.WITHDRAWN and fields.get("first_published_at"):
            # What the withdraw step keeps of a release that was public.
            fields.setdefault("public_title", fields["title"])
            fields.setdefault("public_lead", fields["lead"])
            fields.setdefault("public_at", fields["publish_at"] or fields["first_published_at"])
        return PressRelease.objects.create(**fields)

    return make


# Workflow fixtures


@pytest.fixture
def make_staff(db):
    """A staff account in the named group (``Editors`` or ``Contributors``)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    def make(username, group):
        user = get_user_model().objects.create_user(
            username=username, password="secret-pass-123", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        return get_user_model().objects.get(pk=user.pk)

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff("editor", "Editors")


@pytest.fixture
def contributor(make_staff):
    return make_staff("contributor", "Contributors")


@pytest.fixture
def other_contributor(make_staff):
    return make_staff("other", "Contributors")


@pytest.fixture
def login(db):
    """A test client signed in as ``user``; call it once per browser session."""
    from django.test import Client

    def sign_in(user):
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def rendered_form_data():
    """What a browser would post back from an admin change page, inlines included."""
    from django.forms import CheckboxInput, MultiWidget

    def collect(response):
        forms = [response.context["adminform"].form]
        for inline in response.context["inline_admin_formsets"]:
            forms += [inline.formset.management_form, *inline.formset.forms]
        data = {}
        for form in forms:
            for name, field in form.fields.items():
                key, value = form.add_prefix(name), form[name].value()
                # The admin wraps relation widgets; the wrapped one formats the value.
                widget = getattr(field.widget, "widget", field.widget)
                if isinstance(widget, CheckboxInput):
                    if value:
                        data[key] = "on"
                elif isinstance(widget, MultiWidget):
                    for index, part in enumerate(widget.decompress(value)):
                        data[f"{key}_{index}"] = "" if part is None else str(part)
                elif (formatted := widget.format_value(value)) is not None:
                    data[key] = formatted
        return data

    return collect


# Public site fixtures


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request under /ru/ or /zh-hans/ leaves its language active in the thread; without
    this, a later test that renders or formats outside a request would not be in English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with no cached page: a shared Redis keeps pages between tests, and
    each process its copy of them, which emptying Redis by hand does not reach."""
    from django.core.cache import cache

    from newsroom.site.cache import local_copy

    cache.clear()
    local_copy.forget()
    yield
    cache.clear()
    local_copy.forget()


class PublicWorld:
    """An organisation, an office, its holder and a document that releases can refer to."""

    def __init__(self):
        from newsroom.models import Appointment, Document, Office, Person

        self.organisation = Organisation.objects.create(
            name="Organisation of Tests", short_name="OOT", slug="oot"
        )
        self.office = Office.objects.create(
            organisation=self.organisation, title="Secretary-General", slug="secretary-general"
        )
        self.person = Person.objects.create(name="Ada Holder", slug="ada-holder")
        Appointment.objects.create(
            person=self.person, office=self.office, start=datetime.date(2020, 1, 1)
        )
        self.document = Document.objects.create(title="Memorandum of Tests", slug="memorandum")

    def attach(self, release, *tags):
        """Link ``release`` to everything a public page could show it through."""
        from newsroom.models import Participant, Photo

        release.organisations.add(self.organisation)
        release.documents.add(self.document)
        release.tags.add("shared topic", *tags)
        Participant.objects.create(release=release, person=self.person, office=self.office)
        Participant.objects.create(release=release, office=self.office, order=1)
        Photo.objects.create(
            release=release,
            image=f"photos/{release.slug}.jpg",
            alt_text=f"Photo of {release.title}",
            caption=f"Caption of {release.title}",
        )
        return release


@pytest.fixture
def public_world(db):
    return PublicWorld()
