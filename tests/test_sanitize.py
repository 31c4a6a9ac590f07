import pytest

pytestmark = pytest.mark.django_db


def test_saving_a_release_strips_scripts_event_handlers_and_javascript_links(make_release):
    release = make_release(
        body=(
            "<p>Text<script>alert('x')</script></p>"
            '<img src="x" onerror="alert(1)">'
            '<p onclick="alert(2)">Click</p>'
            '<a href="javascript:alert(3)">bad link</a>'
            "<style>body{display:none}</style>"
        )
    )
    release.refresh_from_db()
    body = release.body.lower()
    for forbidden in ["<script", "alert(", "onerror", "onclick", "javascript:", "<style", "<img"]:
        assert forbidden not in body
    assert "<p>Text</p>" in release.body
    assert "bad link" in release.body


def test_sanitiser_keeps_what_a_press_release_needs(make_release):
    html = (
        "<h2>Heading</h2><p><strong>Bold</strong> and <em>italic</em></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>Quote</blockquote>"
        "<table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
        '<p><a href="https://example.org/">link</a></p>'
    )
    release = make_release(body=html)
    release.refresh_from_db()
    for kept in ["<h2>", "<strong>", "<em>", "<ul>", "<ol>", "<blockquote>", "<table>", "<th>",
                 '<a href="https://example.org/"']:  # fmt: skip
        assert kept in release.body


def test_sanitising_runs_on_every_save_not_only_on_create(make_release):
    release = make_release()
    release.body = "<p>Edited</p><script>steal()</script>"
    release.save()
    release.refresh_from_db()
    assert release.body == "<p>Edited</p>"
