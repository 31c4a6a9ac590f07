"""Arbitrary input never breaks the importer: every document imports or is reported."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.demo import build_reference_data
from newsroom.models import PressRelease

pytestmark = pytest.mark.django_db

words = st.sampled_from(
    ["On", "June", "9,", "2018", "31", "in", "Qingdao", "the", "SCO", "CSTO", "Secretary-General",
     "chaired", "Yury\u00a0Khachaturov", "Union", "\u00a0", "\n", "\n\n", "\r\n", "年", "июня"]
)  # fmt: skip
documents = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda text: text.encode("utf-8")),
    st.lists(st.one_of(words, st.text(max_size=8)), max_size=60).map(
        lambda parts: " ".join(parts).encode("utf-8")
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=documents)
def test_any_input_either_imports_or_is_reported(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("documents") / "document.txt"
    path.write_bytes(content)
    before = PressRelease.objects.count()
    stdout = StringIO()
    try:
        call_command("import_documents", str(path), stdout=stdout, stderr=StringIO())
    except CommandError as error:
        assert "1 of 1 documents failed" in str(error)
        assert f"Failed: {path}: " in stdout.getvalue()
        assert PressRelease.objects.count() == before
    else:
        report = stdout.getvalue()
        assert "created: 1" in report or "unchanged: 1" in report
        assert PressRelease.objects.count() == before + ("created: 1" in report)


@pytest.fixture(autouse=True)
def reference(db):
    build_reference_data()
