import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsroom.demo import DOCUMENTS_DIR, SEED_DOCUMENT, build_reference_data
from newsroom.models import Organisation, Participant, PressRelease

from .test_demo_fixture import SEED_PARTICIPANTS, participant_rows

pytestmark = pytest.mark.django_db

MINSK = """CSTO Secretary-General visits the CIS Executive Committee in Minsk
CSTO Secretary-General visits the CIS Executive Committee in Minsk

On 20 January 2022, Secretary-General of\u00a0the CSTO Yury Khachaturov met the leadership
of the CIS Executive Committee in\u00a0Minsk.

The sides discussed cooperation with the African Union and the Eurasian Economic Union.
"""

DUSHANBE = """SCO and CIS discuss youth programmes

The meeting held in Dushanbe on 12 March 2019 was chaired by the SCO Secretary-General.

Sergei Lebedev presented the programme of the Commonwealth of Independent States.
"""

ASTANA = """Joint statement on drug trafficking

ASTANA, 9 June 2023 — The Collective Security Treaty Organisation and the SCO Regional Anti-Terrorist Structure adopted a joint statement.

The statement will be sent to the United Nations.
"""

MOSCOW_RU = """Генеральный секретарь встретился с руководителями

9 июня 2018 года в Москве состоялась встреча генеральных секретарей.

Стороны обсудили вопросы безопасности.
"""

BEIJING_ZH = """秘书长会见独联体和集安组织高级行政官员

2018年6月9日，秘书长在青岛主持了会议。

双方讨论了安全问题。
"""


@pytest.fixture
def reference(db):
    return build_reference_data()


def write(folder, name, content):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def run_import(*args):
    """Run the command; return (stdout, stderr, the error it ended with or None)."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("import_documents", *map(str, args), stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


def counts():
    return (
        PressRelease.objects.count(),
        Participant.objects.count(),
        PressRelease.organisations.through.objects.count(),
        Organisation.objects.count(),
    )


def test_seed_imports_to_the_facts_of_the_demo(reference):
    _out, _err, error = run_import(DOCUMENTS_DIR / SEED_DOCUMENT)
    assert error is None
    release = PressRelease.objects.get()
    assert release.title == (
        "SCO Secretary-General meets with top administrative officials of the CIS and CSTO in Qingdao"
    )
    assert release.title not in release.lead and release.title not in release.body
    assert release.lead.startswith("On June 9, 2018, the SCO Secretary-General chaired")
    assert "\u00a0" in release.lead  # the office's no-break spaces are kept
    assert release.body.count("<p>") == 9
    assert release.dateline_date == datetime.date(2018, 6, 9)
    assert release.dateline_place == "Qingdao"
    assert release.language == "en"
    assert release.status == PressRelease.Status.DRAFT
    assert {"SCO", "CIS", "CSTO"} <= set(release.organisations.values_list("short_name", flat=True))
    assert participant_rows(release) == SEED_PARTICIPANTS


def test_a_document_with_a_day_month_year_date_and_other_organisations(reference, tmp_path):
    out, _err, error = run_import(write(tmp_path, "minsk.txt", MINSK))
    assert error is None
    release = PressRelease.objects.get()
    assert release.title == "CSTO Secretary-General visits the CIS Executive Committee in Minsk"
    assert release.lead.startswith("On 20 January 2022, Secretary-General")
    assert (release.dateline_date, release.dateline_place) == (datetime.date(2022, 1, 20), "Minsk")
    assert set(release.organisations.values_list("slug", flat=True)) == {
        "csto",
        "cis-executive-committee",
    }
    participant = release.participants.get()
    assert (participant.person.name, str(participant.office)) == (
        "Yury Khachaturov",
        "Secretary-General of the CSTO",
    )
    assert "African Union" in out and "Eurasian Economic Union" in out
    assert not Organisation.objects.filter(name__contains="Union").exists()


def test_a_meeting_chaired_by_an_office_and_a_person_named_alone(reference, tmp_path):
    run_import(write(tmp_path, "dushanbe.txt", DUSHANBE))
    release = PressRelease.objects.get()
    assert (release.dateline_date, release.dateline_place) == (
        datetime.date(2019, 3, 12),
        "Dushanbe",
    )
    participants = [
        (p.person.name if p.person else None, p.office.organisation.slug, p.role)
        for p in release.participants.select_related("person", "office__organisation")
    ]
    assert participants == [
        (None, "sco", Participant.Role.CHAIR),
        ("Sergei Lebedev", "cis", Participant.Role.PARTICIPANT),
    ]


def test_a_press_dateline_gives_place_and_date_and_the_longest_name_wins(reference, tmp_path):
    run_import(write(tmp_path, "astana.txt", ASTANA))
    release = PressRelease.objects.get()
    assert (release.dateline_date, release.dateline_place) == (datetime.date(2023, 6, 9), "Astana")
    assert set(release.organisations.values_list("slug", flat=True)) == {
        "csto",
        "sco-regional-anti-terrorist-structure",
        "united-nations",
    }


@pytest.mark.parametrize(
    ("content", "language", "date"),
    [
        (MOSCOW_RU, "ru", datetime.date(2018, 6, 9)),
        (BEIJING_ZH, "zh-hans", datetime.date(2018, 6, 9)),
    ],
)
def test_language_is_detected_from_the_script(reference, tmp_path, content, language, date):
    _out, _err, error = run_import(write(tmp_path, "document.txt", content))
    assert error is None
    release = PressRelease.objects.get()
    assert (release.language, release.dateline_date) == (language, date)
    assert release.slug


def test_russian_place_follows_the_date(reference, tmp_path):
    run_import(write(tmp_path, "moscow.txt", MOSCOW_RU))
    assert PressRelease.objects.get().dateline_place == "Москве"


def test_language_option_overrides_detection(reference, tmp_path):
    run_import(write(tmp_path, "minsk.txt", MINSK), "--language", "ru")
    assert PressRelease.objects.get().language == "ru"


def test_an_unknown_language_is_refused(reference, tmp_path):
    with pytest.raises(CommandError, match="Unknown language “fr”; use one of en, ru, zh-hans"):
        call_command("import_documents", str(write(tmp_path, "a.txt", MINSK)), language="fr")
    assert PressRelease.objects.count() == 0


def test_folders_are_walked_for_text_documents_only(reference, tmp_path):
    nested = tmp_path / "2022" / "01"
    nested.mkdir(parents=True)
    write(nested, "minsk.txt", MINSK)
    write(tmp_path, "dushanbe.txt", DUSHANBE)
    write(tmp_path, "notes.md", "Not a document\n\nIgnored.")
    _out, _err, error = run_import(tmp_path)
    assert error is None
    assert PressRelease.objects.count() == 2


def test_importing_the_same_documents_again_changes_nothing(reference, tmp_path):
    write(tmp_path, "minsk.txt", MINSK)
    write(tmp_path, "dushanbe.txt", DUSHANBE)
    run_import(tmp_path)
    before = counts()
    updated_at = list(PressRelease.objects.values_list("updated_at", flat=True))
    out, _err, error = run_import(tmp_path)
    assert error is None
    assert counts() == before
    assert list(PressRelease.objects.values_list("updated_at", flat=True)) == updated_at
    assert "unchanged: 2" in out and "created: 0" in out


def test_update_replaces_the_text_of_the_draft_made_from_the_document(reference, tmp_path):
    path = write(tmp_path, "minsk.txt", MINSK)
    run_import(path)
    release = PressRelease.objects.get()
    write(tmp_path, "minsk.txt", MINSK.replace("20 January 2022", "21 January 2022"))
    out, _err, error = run_import(path, "--update")
    assert error is None and "updated: 1" in out
    release.refresh_from_db()
    assert PressRelease.objects.count() == 1
    assert release.dateline_date == datetime.date(2022, 1, 21)
    assert release.participants.count() == 1


def test_update_never_touches_a_release_past_draft(reference, tmp_path):
    path = write(tmp_path, "minsk.txt", MINSK)
    run_import(path)
    PressRelease.objects.update(status=PressRelease.Status.IN_REVIEW)
    write(tmp_path, "minsk.txt", MINSK.replace("Minsk.", "Minsk, Belarus."))
    out, _err, error = run_import(path, "--update")
    assert error is not None
    assert "minsk.txt: failed: the release" in out and "no longer a draft" in out
    assert PressRelease.objects.get().lead.endswith("Minsk.")


def test_same_titles_get_unique_slugs(reference, tmp_path):
    write(tmp_path, "a.txt", MINSK)
    write(tmp_path, "b.txt", MINSK.replace("20 January", "22 January"))
    run_import(tmp_path)
    assert sorted(PressRelease.objects.values_list("slug", flat=True)) == [
        "csto-secretary-general-visits-the-cis-executive-committee-in-minsk",
        "csto-secretary-general-visits-the-cis-executive-committee-in-minsk-2",
    ]


def test_dry_run_reports_and_writes_nothing(reference, tmp_path):
    write(tmp_path, "minsk.txt", MINSK)
    write(tmp_path, "dushanbe.txt", DUSHANBE)
    before = counts()
    out, _err, error = run_import(tmp_path, "--dry-run")
    assert error is None
    assert counts() == before
    assert (
        "would create “csto-secretary-general-visits-the-cis-executive-committee-in-minsk”" in out
    )
    assert "Dry run, nothing written" in out


BAD_DOCUMENTS = {
    "empty.txt": (b"", "empty"),
    "blank.txt": (b"  \n\n \t\n", "empty"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "latin1.txt": ("Réunion à Genève\n\nLe 9 juin 2018.".encode("latin-1"), "not UTF-8"),
    "untitled.txt": (("On 9 June 2018, " + "the meeting went on. " * 30).encode(), "no title"),
    "numbers.txt": (b"2018-06-09\n\nOn 9 June 2018, they met.", "no title"),
    "title-only.txt": (b"A title and nothing else\n", "nothing follows the title"),
    "no-day.txt": (b"Meeting\n\nOn June 31, 2018, they met in Minsk.", "does not exist"),
    "bad-date.txt": (b"Meeting\n\nOn Jnue 9, 2018, they met in Minsk.", "cannot read"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_input_is_reported_by_name_and_the_rest_still_imports(reference, tmp_path, name):
    content, reason = BAD_DOCUMENTS[name]
    write(tmp_path, name, content)
    write(tmp_path, "minsk.txt", MINSK)
    out, _err, error = run_import(tmp_path)
    assert error is not None and "1 of 2 documents failed" in str(error)
    failure = next(line for line in out.splitlines() if line.startswith(f"Failed: {tmp_path}"))
    assert name in failure and reason in failure
    assert list(PressRelease.objects.values_list("title", flat=True)) == [
        "CSTO Secretary-General visits the CIS Executive Committee in Minsk"
    ]


def test_a_file_over_the_size_limit_is_refused(reference, tmp_path, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1_000
    write(tmp_path, "huge.txt", MINSK + "More text. " * 200)
    out, _err, error = run_import(tmp_path / "huge.txt")
    assert error is not None
    assert "huge.txt: the file is larger than the limit of 1,000 bytes" in out
    assert PressRelease.objects.count() == 0


def test_a_missing_path_is_reported_and_the_others_import(reference, tmp_path):
    out, _err, error = run_import(tmp_path / "missing.txt", write(tmp_path, "m.txt", MINSK))
    assert error is not None
    assert "missing.txt: no such file or folder" in out
    assert PressRelease.objects.count() == 1


def test_many_documents_show_a_progress_bar_and_a_summary(reference, tmp_path):
    for day in range(1, 8):
        write(tmp_path, f"{day}.txt", MINSK.replace("20 January", f"{day} January"))
    out, err, error = run_import(tmp_path)
    assert error is None
    assert "7/7" in err and "#" * 30 in err
    assert "7 documents — created: 7, updated: 0, unchanged: 0, failed: 0." in out
