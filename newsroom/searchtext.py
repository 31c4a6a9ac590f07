"""Text as the search index holds it, the same on SQLite and PostgreSQL.

A release's title, lead and body are stored a second time as search text
(``search_title``, ``search_lead``, ``search_body``), written on every save by
the ``pre_save`` receiver of ``newsroom.text`` (also for fixtures and
``create_releases_in_bulk``); queries go through the same analysis
(``newsroom.site.search``). Both databases only split that text at spaces, so
they index the same tokens and find the same releases:

- words are lower-case letters and digits; markup, punctuation and
  underscores separate them;
- a Cyrillic word is reduced to its stem by Snowball's Russian stemmer, so
  “саммита” and “саммит”, “организации” and “организация” meet (``ё`` is
  written ``е`` first, as Russian texts often do);
- diacritics are dropped from other words (“Chișinău” is found as “chisinau”);
  those words keep their form, and queries match them by prefix;
- Chinese, Japanese and Korean are written without spaces between words, so
  each of their characters is a token of its own and a query term in those
  scripts is matched as a phrase of consecutive characters.
"""

import functools
import html
import re
import threading
import unicodedata

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
CJK_OR_OTHER = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
    r"|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
TAG = re.compile(r"<[^>]*>")

_russian = snowballstemmer.stemmer("russian")
# A Snowball stemmer keeps state while it works: one word at a time.
_russian_lock = threading.Lock()


# A newsroom's Russian vocabulary is a few tens of thousands of words; the cache is
# bounded below that so that memory does not grow with the texts written.
@functools.lru_cache(maxsize=20_000)
def russian_stem(word):
    """The Snowball stem of a lower-case Russian word."""
    with _russian_lock:
        return _russian.stemWord(word.replace("ё", "е"))


def _folded(word):
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", folded)


def word_tokens(word):
    """The index tokens of one word (``WORD`` match): one, or one per CJK character."""
    word = word.lower()
    if not CJK.search(word):
        if CYRILLIC.search(word):
            return [russian_stem(word)]
        # Folding may leave a separator (“½” is “1⁄2”): only letters and digits stay.
        return WORD.findall(_folded(word))
    tokens = []
    for part in CJK_OR_OTHER.findall(word):
        tokens.extend([part] if CJK.match(part) else word_tokens(part))
    return tokens


def analyse(text):
    """``text`` as the index holds it: its tokens, separated by single spaces."""
    return " ".join(token for word in WORD.findall(text or "") for token in word_tokens(word))


def analyse_html(markup):
    """A release body as the index holds it: the text between its tags."""
    return analyse(html.unescape(TAG.sub(" ", markup or "")))


def search_fields(title, lead, body):
    """The stored search text of a release: ``search_title``, ``search_lead``, ``search_body``."""
    return {
        "search_title": analyse(title),
        "search_lead": analyse(lead),
        "search_body": analyse_html(body),
    }
