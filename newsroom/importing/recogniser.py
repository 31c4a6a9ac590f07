"""Finding the organisations, offices and people a text names.

The recogniser knows every surface form of the reference data: an
organisation's name and short name ("Shanghai Cooperation Organisation",
"SCO"), an office with its organisation ("the SCO Secretary-General",
"Secretary-General of the CSTO") and a person's name. One regular expression
scans the text; at each position the longest form wins, so "SCO Regional
Anti-Terrorist Structure" is that body and not the SCO. Names are matched
across any white space, so the no-break spaces of the office's texts do not
hide them. Every language's name counts: "ШОС", "Шанхайская организация
сотрудничества" and "上海合作组织" are the SCO too. Chinese writes no spaces
between words, so a name in Chinese characters is found inside a longer run.
"""

import re
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects

from newsroom.models import Office, Organisation, Participant, Person
from newsroom.models.languages import SUFFIXES

WHITESPACE = re.compile(r"\s+")
# Texts vary in which hyphen or dash they type; names should match either way.
HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2013": "\u2014"})
CHAIR_AFTER = re.compile(r"^(?:,[^,]{0,80},)? (?:has |had |also )?(?:co-)?(?:chaired|presided)")
CHAIR_BEFORE = re.compile(r"(?:chaired by|presided over by|chairmanship of) (?:the )?$")
PAIR_GAP = re.compile(r"^,? (?:the )?$")
# Words that make a run of capitalised words look like an organisation's name.
ORGANISATION_WORDS = {
    "Organisation", "Organization", "Union", "Council", "Committee", "Commission", "Centre",
    "Center", "Secretariat", "Structure", "Agency", "Bank", "Fund", "Forum", "Association",
    "Community", "Assembly", "Parliament", "Institute", "Ministry", "Conference", "League",
    "Alliance", "Federation", "Authority", "Board", "Court", "Nations",
}  # fmt: skip
CAPITALISED_RUN = re.compile(
    r"(?<![\w-])[A-Z][\w'’-]*(?: (?:(?:of|for|on|de|the) )*[A-Z][\w'’-]*)*"
)
ACRONYM = re.compile(r"^[A-Z]{2,6}$")
ROMAN_NUMERAL = re.compile(r"^[IVXLC]+$")
MAX_SUGGESTIONS = 20
# Han characters and the like: a name ending in one needs no word boundary there.
UNSPACED = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def normalise(text):
    """One plain space for any run of white space, one hyphen or dash for any of its kind."""
    return WHITESPACE.sub(" ", text.translate(HYPHENS)).strip()


@dataclass(frozen=True)
class ParticipantLink:
    person: object
    office: object
    role: str

    @property
    def role_label(self):
        return Participant.Role(self.role).label

    def __str__(self):
        if self.person is not None and self.office is not None:
            return f"{self.person.name} ({self.office})"
        return str(self.person or f"the {self.office}")


@dataclass
class Recognition:
    organisations: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)


@dataclass(frozen=True)
class _Mention:
    kind: str
    entity: object
    start: int
    end: int


ENGLISH = ""


def names_in(record, field, suffix=ENGLISH):
    """``record``'s ``field`` in the language of ``suffix`` ("" for English), if it has one."""
    value = getattr(record, f"{field}_{suffix}" if suffix else field)
    return {normalise(value)} if value.strip() else set()


def organisation_forms(organisation, suffixes=None):
    """The forms of an organisation's name in the languages of ``suffixes`` (every one by default)."""
    suffixes = [ENGLISH, *SUFFIXES.values()] if suffixes is None else suffixes
    forms = set()
    for suffix in suffixes:
        forms |= names_in(organisation, "name", suffix) | names_in(
            organisation, "short_name", suffix
        )
    if ENGLISH in suffixes:
        name = organisation.name
        for spelling, other in (("Organisation", "Organization"), ("Organization", "Organisation")):
            if spelling in name:
                forms.add(normalise(name.replace(spelling, other)))
    return forms


def office_forms(office):
    """An office with its organisation, as each language writes it."""
    title = normalise(office.title)
    forms = set()
    for form in organisation_forms(office.organisation, [ENGLISH]):
        forms |= {f"{form} {title}", f"{title} of the {form}", f"{title} of {form}"}
    for suffix in SUFFIXES.values():
        for title in names_in(office, "title", suffix):
            for form in organisation_forms(office.organisation, [suffix]):
                # "Генеральный секретарь ШОС"; Chinese puts the body first: "上合组织秘书长".
                forms |= {f"{title} {form}", f"{form}{title}" if UNSPACED.match(title) else ""}
    forms.discard("")
    return forms


def bounded(form):
    """``form`` as a pattern that does not match inside a longer word."""
    start = "" if UNSPACED.match(form[0]) else r"(?<![\w-])"
    end = "" if UNSPACED.match(form[-1]) else r"(?![\w-])"
    return f"{start}{re.escape(form)}{end}"


class Recogniser:
    """Built once from the reference data; ``recognise`` is then cheap per text."""

    def __init__(self, organisations, offices, people):
        forms = {}

        def add(form, kind, entity):
            key = (kind, entity.pk)
            if forms.setdefault(form, key) != key:
                forms[form] = None  # Two records share this form: it names neither.

        self._entities = {}
        for organisation in organisations:
            self._entities[("organisation", organisation.pk)] = organisation
            for form in organisation_forms(organisation):
                add(form, "organisation", organisation)
        for office in offices:
            self._entities[("office", office.pk)] = office
            for form in office_forms(office):
                add(form, "office", office)
        people = list(people)
        # Which office a person held is read on every text: fetch the appointments once here.
        prefetch_related_objects(people, "appointments__office__organisation")
        for person in people:
            self._entities[("person", person.pk)] = person
            for suffix in [ENGLISH, *SUFFIXES.values()]:
                for form in names_in(person, "name", suffix):
                    add(form, "person", person)
        self._forms = {form: key for form, key in forms.items() if key is not None}
        # "RATS" on its own is part of the known "SCO RATS", not an unknown organisation.
        self._known_acronyms = {
            word
            for form, (kind, _pk) in self._forms.items()
            if kind == "organisation"
            for word in form.split(" ")
            if ACRONYM.match(word)
        }
        # At each position the longest form wins. Forms written with spaces between
        # words share one pair of boundaries; the few with a Chinese end carry their own.
        spaced = sorted(
            (form for form in self._forms if not UNSPACED.search(form[0] + form[-1])),
            key=len,
            reverse=True,
        )
        unspaced = sorted(set(self._forms) - set(spaced), key=len, reverse=True)
        alternatives = [bounded(form) for form in unspaced]
        if spaced:
            alternatives.append(r"(?<![\w-])(?:" + "|".join(map(re.escape, spaced)) + r")(?![\w-])")
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    @classmethod
    def from_database(cls):
        return cls(
            Organisation.objects.all(),
            Office.objects.select_related("organisation"),
            Person.objects.all(),
        )

    def _mentions(self, text):
        if self._pattern is None:
            return []
        mentions = []
        for match in self._pattern.finditer(text):
            kind, pk = self._forms[match.group(0)]
            mentions.append(_Mention(kind, self._entities[(kind, pk)], match.start(), match.end()))
        return mentions

    @staticmethod
    def _office_held(person, on):
        """The office a person named alone takes: the one they held on the text's date.

        The pages answer "who held it then" with the same appointments
        (``Person.office_on``). A text without a date falls back to the one
        office the person has ever held, if there is only one.
        """
        if on is not None:
            return person.office_on(on)
        offices = {appointment.office for appointment in person.appointments.all()}
        return offices.pop() if len(offices) == 1 else None

    def recognise(self, text, *, on=None):
        """What ``text`` names; ``on`` is the date that decides which office a person held."""
        text = normalise(text)
        mentions = self._mentions(text)
        recognition = Recognition()
        paired = set()
        links = []
        for index, mention in enumerate(mentions):
            if mention.kind == "organisation":
                recognition.organisations.append(mention.entity)
                continue
            if index in paired:
                continue
            person = office = None
            following = mentions[index + 1] if index + 1 < len(mentions) else None
            if (
                following
                and {mention.kind, following.kind} == {"office", "person"}
                and PAIR_GAP.match(text[mention.end : following.start])
            ):
                paired.add(index + 1)
                pair = {mention.kind: mention.entity, following.kind: following.entity}
                person, office = pair["person"], pair["office"]
            if person is None and office is None:
                if mention.kind == "person":
                    person, office = mention.entity, self._office_held(mention.entity, on)
                else:
                    office = mention.entity
            end = mentions[index + 1].end if index + 1 in paired else mention.end
            chaired = CHAIR_AFTER.match(text[end:]) or CHAIR_BEFORE.search(text[: mention.start])
            role = Participant.Role.CHAIR if chaired else Participant.Role.PARTICIPANT
            links.append(ParticipantLink(person, office, role))
            if office is not None:
                recognition.organisations.append(office.organisation)
        recognition.organisations = list(dict.fromkeys(recognition.organisations))
        recognition.participants = merge_participants(links)
        recognition.suggestions = self.suggest(text, mentions)
        return recognition

    def suggest(self, text, mentions):
        """Capitalised names that look like organisations the database does not know."""
        masked = list(text)
        for mention in mentions:
            masked[mention.start : mention.end] = "\x00" * (mention.end - mention.start)
        masked = "".join(masked)
        suggestions = []
        for match in CAPITALISED_RUN.finditer(masked):
            words = match.group(0).split(" ")
            while words and words[0] in {"The", "A", "An", "In", "On", "Of", "For", "And"}:
                words.pop(0)
            while words and words[-1][0].islower():
                words.pop()
            name = " ".join(words)
            looks_like_organisation = (
                len(words) > 1 and any(word in ORGANISATION_WORDS for word in words)
            ) or (
                len(words) == 1
                and ACRONYM.match(name)
                and not ROMAN_NUMERAL.match(name)
                and name not in self._known_acronyms
            )
            if looks_like_organisation and name not in self._forms and name not in suggestions:
                suggestions.append(name)
                if len(suggestions) == MAX_SUGGESTIONS:
                    break
        return suggestions


def merge_participants(links):
    """One participant per person and office, in order of first mention.

    An office named alone is dropped when a person named with that office is
    also there: both mentions are the same participant. A chair stays a chair.
    """
    offices_with_people = {link.office for link in links if link.person and link.office}
    merged = {}
    for link in links:
        if link.person is None and link.office in offices_with_people:
            continue
        key = (link.person, link.office)
        if key in merged and merged[key].role != link.role:
            link = ParticipantLink(link.person, link.office, Participant.Role.CHAIR)
            merged[key] = link
        merged.setdefault(key, link)
    return list(merged.values())
