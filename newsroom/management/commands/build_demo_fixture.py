from django.core import serializers
from django.core.management.base import BaseCommand, CommandError

from newsroom.demo import DemoBuildError, build_demo
from newsroom.models import PressRelease

# Order matters: loaddata saves objects in file order.
FIXTURE_MODELS = [
    "newsroom.topic",
    "newsroom.organisation",
    "newsroom.document",
    "newsroom.organisationrelation",
    "newsroom.person",
    "newsroom.office",
    "newsroom.appointment",
    "newsroom.pressrelease",
    "newsroom.participant",
    "newsroom.photo",
    "newsroom.pressreleasetransition",
    "newsroom.taggedtopic",
]


class Command(BaseCommand):
    help = "Build the demo data on an empty database and write it as a fixture."

    def add_arguments(self, parser):
        parser.add_argument("output", help="Where to write the fixture, e.g. fixtures/demo.json.")

    def handle(self, *args, output, **options):
        from django.apps import apps

        if PressRelease.objects.exists():
            raise CommandError(
                "The database already holds releases; build the fixture on an empty database."
            )
        try:
            build_demo()
        except DemoBuildError as error:
            raise CommandError(str(error)) from None
        objects = []
        for label in FIXTURE_MODELS:
            objects.extend(apps.get_model(label).objects.order_by("pk"))
        data = serializers.serialize(
            "json", objects, indent=2, use_natural_foreign_keys=True, ensure_ascii=False
        )
        with open(output, "w", encoding="utf-8") as fixture:
            fixture.write(data + "\n")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(objects)} objects to {output}."))
