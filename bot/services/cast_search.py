"""Cast and character lookup tolerant of romanizations, Hangul, Japanese forms and typos."""

from __future__ import annotations

import unicodedata

from msgspec import Struct

from bot.catalog import Catalog, Person, normalize_name
from bot.errors import UserError
from bot.locale import Texts

MATCH_THRESHOLD = 72.0
#: Searches remembered (autocomplete asks again at every key a member types, and members type the same names).
REMEMBERED_SEARCHES = 512


def _fuzzy_key(text: str) -> str:
    """Normalized and decomposed, so Hangul compares by jamo and accents do not matter."""
    decomposed = unicodedata.normalize("NFD", normalize_name(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Names(Struct, frozen=True):
    """Characters' names for the reader: Hangul first where the reader's language reads the show's script first
    (기선겸 (Ki Seon-gyeom))."""

    people: tuple[Person, ...]

    def render(self, tr: Texts) -> str:
        return ", ".join(person.character_for(tr) for person in self.people)


class Match(Struct, frozen=True):
    person: Person
    matched: str  # the name that matched best
    kind: str  # "actor" or "character"
    score: float

    @property
    def label(self) -> str:
        actor = self.person.actor or "actor unknown"
        return f"{self.person.character} ({actor})"


class CastSearch:
    """An index over every name of every person in the pack, built once."""

    def __init__(self, catalog: Catalog) -> None:
        self._people = catalog.people
        self._by_key = {p.key: p for p in catalog.people}
        self._rank = {p.key: index for index, p in enumerate(catalog.people)}  # the pack's order breaks ties
        self._searches: dict[tuple[str, int], tuple[Match, ...]] = {}
        self._exact: dict[str, tuple[Person, str, str]] = {}
        self._keys: list[str] = []
        self._owners: list[tuple[Person, str, str]] = []
        for person in catalog.people:
            for kind, name in person.names():
                self._exact.setdefault(normalize_name(name), (person, name, kind))
                self._keys.append(_fuzzy_key(name))
                self._owners.append((person, name, kind))

    def by_key(self, key: str) -> Person | None:
        return self._by_key.get(key)

    def search(self, query: str, limit: int = 25) -> list[Match]:
        """People ranked best first; each person appears once, under their best-matching name."""
        found = self._searches.get((query, limit))
        if found is None:
            if len(self._searches) >= REMEMBERED_SEARCHES:
                self._searches.clear()
            found = self._searches[(query, limit)] = tuple(self._search(query, limit))
        return list(found)

    def _search(self, query: str, limit: int) -> list[Match]:
        norm = normalize_name(query)
        if not norm:
            return [Match(p, p.character, "character", 0.0) for p in self._people][:limit]
        exact = self._exact.get(norm)
        best: dict[str, Match] = {}
        if exact:
            person, name, kind = exact
            best[person.key] = Match(person, name, kind, 101.0)
        key = _fuzzy_key(query)
        # Keys are already folded and space-free, so plain edit-distance ratio is the right scorer
        # (14x cheaper than WRatio); typing a prefix or a fragment of a name is rewarded explicitly.
        from rapidfuzz import fuzz, process  # at the first search, not at every start (6 ms of C extensions)

        results = process.extract(key, self._keys, scorer=fuzz.ratio, processor=None, limit=None, score_cutoff=50)
        scores = {index: float(score) for _choice, score, index in results}
        for index, name_key in enumerate(self._keys):
            if name_key.startswith(key):
                scores[index] = max(scores.get(index, 0.0), 95.0 + min(len(key), 5) / 5)
            elif len(key) >= 3 and key in name_key:
                scores[index] = max(scores.get(index, 0.0), 88.0 + min(len(key), 6) / 6)
        for index, score in scores.items():
            person, name, kind = self._owners[index]
            current = best.get(person.key)
            if current is None or score > current.score:
                best[person.key] = Match(person, name, kind, score)
        rank = self._rank
        ranked = sorted(best.values(), key=lambda m: (-m.score, rank[m.person.key]))
        return ranked[:limit]

    def resolve(self, query: str) -> Person:
        """The one person ``query`` names (a key from autocomplete, or free text), or a UserError."""
        person = self._by_key.get(query.strip())
        if person:
            return person
        matches = self.search(query, limit=3)
        if matches and matches[0].score >= MATCH_THRESHOLD:
            return matches[0].person
        suggested = tuple(m.person for m in matches if m.score >= 50) or tuple(
            p for p in self._people if p.key in ("ki-seon-gyeom", "oh-mi-joo")
        )
        raise UserError(
            "No one in the cast matches {query}. Try an actor or character name, e.g. {names}.",
            query=repr(query[:60]),
            names=Names(suggested),
        )
