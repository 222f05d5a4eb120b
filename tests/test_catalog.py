"""The data pack through the real loader: its invariants, and every rejection rule."""

import datetime as dt
import re
import shutil
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import PackError, formal_endings, load_catalog, normalize_name

from .conftest import PACK

KST = ZoneInfo("Asia/Seoul")


def test_pack_invariants(catalog):
    show = catalog.show
    assert (show.title, show.title_korean, show.network, show.streaming) == ("Run On", "런 온", "JTBC", "Netflix")
    assert show.title_japanese == "それでも僕らは走り続ける"
    assert [(s.weekday_name, s.time) for s in show.slots] == [("Wednesday", dt.time(21)), ("Thursday", dt.time(21))]
    assert [e.number for e in catalog.episodes] == list(range(1, 17))
    assert catalog.episodes[0].airs_at == dt.datetime(2020, 12, 16, 12, tzinfo=dt.UTC)
    assert catalog.episodes[-1].airs_at.astimezone(KST).date() == dt.date(2021, 2, 4)
    assert catalog.special.airs_at.astimezone(KST) == dt.datetime(2020, 12, 9, 21, tzinfo=KST)
    for episode in catalog.episodes:
        local = episode.airs_at.astimezone(KST)
        assert (local.strftime("%A"), local.time()) in {("Wednesday", dt.time(21)), ("Thursday", dt.time(21))}
        assert all(point.reveals == episode.number for point in episode.recap)


def test_derived_dates_and_unsourced_episode_are_honest(catalog):
    assert [e.number for e in catalog.episodes if e.date_is_derived] == [6, 10, 12, 13, 14]
    ep10 = catalog.episode(10)
    assert ep10.recap_status == "none"
    assert ep10.recap == ()
    assert {e.number for e in catalog.episodes if e.recap_status == "partial"} >= {6, 12, 13}


def test_ratings_only_where_sourced(catalog):
    rated = {e.number: str(e.rating.percent) for e in catalog.episodes if e.rating}
    assert rated == {1: "2.145", 4: "3.0", 8: "3.772", 16: "3.6"}  # the sources' own precision


def test_leads_and_their_hangul(catalog):
    leads = {p.character: (p.actor, p.character_hangul) for p in catalog.people if p.billing == "main"}
    assert leads == {
        "Ki Seon-gyeom": ("Im Si-wan", "기선겸"),
        "Oh Mi-joo": ("Shin Se-kyung", "오미주"),
        "Seo Dan-ah": ("Choi Soo-young", "서단아"),
        "Lee Yeong-hwa": ("Kang Tae-oh", "이영화"),
    }


def test_unverified_hangul_is_marked(catalog):
    """Only where the fact sheet is silent (Go Ye-chan played by Kim Si-eun) is a Hangul spelling unverified."""
    unverified = {p.character for p in catalog.people if p.actor_hangul and not p.actor_hangul_verified}
    assert unverified == {"Go Ye-chan"}
    assert catalog.person("go-ye-chan").character_hangul == ""  # none is invented


def test_the_fact_sheets_korean_names_are_in_the_pack(catalog):
    """The sheet's "Korean names" section: the Hangul Korean press writes, shown first to Korean readers."""
    names = {
        key: (p.character_name(korean=True), p.actor_name(korean=True))
        for key in ("kwon-young-il", "seo-tae-woong", "kim-woo-sik", "hwang-guk-geon", "ms-bang")
        for p in [catalog.person(key)]
    }
    assert names == {
        "kwon-young-il": ("권영일 (Kwon Young-il)", "박성준 (Park Sung-joon)"),
        "seo-tae-woong": ("서태웅 (Seo Tae-woong)", "최재현 (Choi Jae-hyun)"),
        "kim-woo-sik": ("김우식 (Kim Woo-sik)", "이정하 (Lee Jung-ha)"),
        "hwang-guk-geon": ("황 교수 (Hwang Guk-geon)", ""),  # the surname only: the sheet allows 황 교수
        "ms-bang": ("방 코치 (Ms. Bang)", ""),
    }
    korean = "\n".join(catalog.translations["ko"].values())
    hangul_names = ("서태웅", "서명 그룹", "황 교수", "방 코치", "넷플릭스", "화구통", "태양의 후예", "김과장")
    for hangul in (*hangul_names, "오늘의 탐정"):
        assert hangul in korean, hangul
    for latin in ("Kwon", "Young-il", "Tae-woong", "Seomyung", "Hwang 교수", "Bang 코치", "Netflix", "도면통",
                  "Descendants", "Good Manager", "Ghost Detective", "리캡", "Dann Agency", "Su-bin"):  # fmt: skip
        assert latin not in korean, latin


def test_arc_notes_are_tagged_within_the_run(catalog):
    for person in catalog.people:
        assert 0 <= person.description.reveals <= 1
        for arc in person.arcs:
            assert 1 <= arc.reveals <= 16


def test_no_alias_belongs_to_two_people(catalog):
    owners = {}
    for person in catalog.people:
        for _kind, name in person.names():
            assert owners.setdefault(normalize_name(name), person.key) == person.key, name


@pytest.fixture
def pack(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(PACK, target)
    return target


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _problems(folder):
    with pytest.raises(PackError) as info:
        load_catalog(folder)
    return info.value.problems


def test_gap_in_numbering_is_rejected(pack):
    _edit(pack / "episodes.toml", "number = 7\n", "number = 8\n")
    problems = _problems(pack)
    assert any(p.startswith("episodes.toml: episode[6].number: expected episode 7") for p in problems), problems


def test_air_instant_off_the_slots_is_rejected_unless_marked(pack):
    _edit(pack / "episodes.toml", "2020-12-23T21:00:00+09:00", "2020-12-22T21:00:00+09:00")
    problems = _problems(pack)
    assert any("episode[2].airs_at" in p and "off the weekly slots" in p for p in problems), problems
    text = (pack / "episodes.toml").read_text(encoding="utf-8")
    start = text.index("2020-12-22T21:00:00+09:00")
    index = text.index("slot_exception = false", start)
    (pack / "episodes.toml").write_text(text[:index] + "slot_exception = true" + text[index + 22 :], encoding="utf-8")
    assert load_catalog(pack).episode(3).slot_exception


def test_alias_shared_by_two_people_is_rejected(pack):
    _edit(pack / "cast.toml", '"Tae-woong"', '"Ye-chan"')
    problems = _problems(pack)
    assert any("cast.toml: person[" in p and "'Ye-chan'" in p and "one person only" in p for p in problems), problems


def test_episode_tag_outside_the_run_is_rejected(pack):
    text = (pack / "cast.toml").read_text(encoding="utf-8")
    index = text.index("reveals = ", text.index("\n[[person.arc]]"))
    end = text.index("\n", index)
    (pack / "cast.toml").write_text(text[:index] + "reveals = 17" + text[end:], encoding="utf-8")
    problems = _problems(pack)
    assert any(".reveals: must be an episode between 1 and 16, got 17" in p for p in problems), problems


def test_unknown_key_and_wrong_type_are_named(pack):
    _edit(pack / "show.toml", 'network = "JTBC"', 'network = 5\nnetwrok = "JTBC"')
    problems = _problems(pack)
    assert "show.toml: show.network: must be str, got int" in problems
    assert "show.toml: show.netwrok: is not a known key" in problems


def test_recap_point_from_another_episode_is_rejected(pack):
    text = (pack / "episodes.toml").read_text(encoding="utf-8")
    start = text.index("number = 2\n")
    index = text.index("reveals = 2", start)
    (pack / "episodes.toml").write_text(
        text[:index] + "reveals = 3" + text[index + len("reveals = 2") :], encoding="utf-8"
    )
    assert any("must reveal 2, got 3" in p for p in _problems(pack))


def test_missing_folder_is_reported(tmp_path):
    assert "does not exist" in _problems(tmp_path / "nope")[0]


# -- the Korean pack ---------------------------------------------------------------------------------


def test_every_text_members_read_has_its_korean_twin(catalog):
    korean = catalog.translations["ko"]
    show = catalog.show
    texts = [
        show.premise,
        show.streaming_note,
        show.runtime_note,
        show.slot_note,
        *show.genres,
        catalog.special.description,
    ]
    texts += [c.role for c in show.credits] + [c.note for c in show.credits if c.note]
    texts += [t.note for t in catalog.ost]
    for episode in catalog.episodes:
        texts += [episode.logline, *(p.text for p in episode.recap)]
        texts += [t for t in (episode.recap_note, episode.rating_note) if t]
        if episode.rating:
            texts += [episode.rating.scope, episode.rating.source]
    for person in catalog.people:
        texts += [person.description.text, *(arc.text for arc in person.arcs)]
    missing = [t for t in texts if t not in korean]
    assert not missing, missing[:3]
    assert all(re.search(r"[\uac00-\ud7a3]", korean[t]) for t in texts)


def test_korean_keeps_the_numbers_of_the_english(catalog):
    korean = catalog.translations["ko"]
    for english, text in korean.items():
        for number in re.findall(r"\d+\.\d+%?", english):  # 2.145%, 3.0: the source's precision
            assert number in text, (english, text)


def test_names_show_hangul_first_for_korean_readers(catalog):
    lead = catalog.person("ki-seon-gyeom")
    assert lead.character_name(korean=True) == "기선겸 (Ki Seon-gyeom)"
    assert lead.actor_name(korean=True) == "임시완 (Im Si-wan)"
    assert lead.character_name() == "Ki Seon-gyeom"
    sister = catalog.person("go-ye-chan")  # no verified Hangul: nothing is invented
    assert sister.character_name(korean=True) == "Go Ye-chan"
    assert sister.actor_name(korean=True) == "Kim Si-eun"


def test_a_korean_item_with_another_episode_tag_is_rejected(pack):
    text = (pack / "episodes.ko.toml").read_text(encoding="utf-8")
    start = text.index("number = 2\n")
    index = text.index("reveals = 2", start)
    (pack / "episodes.ko.toml").write_text(text[:index] + "reveals = 3" + text[index + 11 :], encoding="utf-8")
    problems = _problems(pack)
    assert problems == [
        "episodes.ko.toml: episode[1].recap[0].reveals: must be the English recap point's episode tag 2, got 3"
    ]


def test_a_korean_story_note_that_drops_the_inferred_marker_is_rejected(pack):
    text = (pack / "cast.ko.toml").read_text(encoding="utf-8")
    index = text.index('confidence = "derived"')
    (pack / "cast.ko.toml").write_text(text[:index] + 'confidence = "multi"' + text[index + 22 :], encoding="utf-8")
    problems = _problems(pack)
    assert len(problems) == 1
    assert problems[0].startswith("cast.ko.toml: person[1].arc[5].confidence: must be the English story note's marker")


def test_a_missing_korean_item_is_rejected(pack):
    text = (pack / "cast.ko.toml").read_text(encoding="utf-8")
    start = text.index("[[person.arc]]")
    end = text.index("[[person.arc]]", start + 1)
    (pack / "cast.ko.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    problems = _problems(pack)
    assert any("has 13 translated story note(s) but the English pack has 14" in p for p in problems), problems


def test_a_missing_korean_text_and_a_missing_korean_file_are_rejected(pack):
    _edit(pack / "episodes.ko.toml", 'logline = "5화는 두 커플의 이야기를 다시 이어 가요."\n', "")
    assert "episodes.ko.toml: episode[4].logline: is missing" in _problems(pack)
    (pack / "show.ko.toml").unlink()
    assert "show.ko.toml: file is missing" in _problems(pack)


def test_a_korean_text_that_is_not_korean_or_drops_a_number_is_rejected(pack):
    _edit(pack / "episodes.ko.toml", "언론은 이 수치를 반올림해 2.1%로 쓰기도 했어요.", "The press rounded it to 2.1%.")
    _edit(pack / "episodes.ko.toml", "서울 수도권: 3.4%.", "서울 수도권 기준.")
    problems = _problems(pack)
    assert "episodes.ko.toml: episode[0].rating_note: is not Korean: it has no Hangul" in problems
    assert "episodes.ko.toml: episode[3].rating_note: drops the number(s) ['3.4'] of the English text" in problems


def test_the_korean_pack_speaks_haeyo_like_the_answers(pack, catalog):
    """The pack is read inside the bot's 해요체 answers: a 합니다체 text is refused, naming its endings."""
    korean = "\n".join(catalog.translations["ko"].values())
    assert formal_endings(korean) == []
    assert "해요" in korean
    assert "있어요" in korean
    _edit(pack / "cast.ko.toml", "어머니는 스타 배우예요.", "어머니는 스타 배우입니다.")
    _edit(pack / "show.ko.toml", "확인되지 않은 정보예요.", "확인되지 않은 정보입니다. 확인하시겠습니까?")
    problems = _problems(pack)
    assert problems == [
        "show.ko.toml: show.credits[1].note: speaks 합니다체 (정보입니다, 확인하시겠습니까); write it in 해요체 like "
        "the bot's answers (해요, 있어요)",
        "cast.ko.toml: person[0].description: speaks 합니다체 (배우입니다); write it in 해요체 like the bot's answers "
        "(해요, 있어요)",
    ]


def test_formal_endings_tell_hapnida_from_haeyo():
    assert formal_endings("왔습니다. 선수입니다. 갑니다. 합니까?") == ["왔습니다", "선수입니다", "갑니다", "합니까"]
    assert formal_endings("달려 왔어요. 선수예요. 가요. 해요? 아니다. 가니다") == []


def test_a_korean_item_for_another_person_is_rejected(pack):
    _edit(pack / "cast.ko.toml", 'key = "oh-mi-joo"', 'key = "seo-dan-ah"')
    assert any("person[1].key: must be 'oh-mi-joo'" in p for p in _problems(pack))


# -- a third language is data: its twin files are found and checked like Korean's ---------------------------------


def test_a_third_language_of_the_pack_is_found_by_its_files_and_read_by_its_members(pack):
    """Twin files for a language the code never named (``*.en-XA.toml``) give its members the pack in it."""
    from tests import pseudo

    assert pseudo.LANG not in load_catalog(pack).translations
    pseudo.pack_twins(pack)
    catalog = load_catalog(pack)
    third = catalog.translations[pseudo.LANG]
    assert set(third) == set(catalog.translations["ko"])  # every text the Korean twins translate
    premise = catalog.show.premise
    assert third[premise] == pseudo.pseudo(premise)
    arc = catalog.person("ki-seon-gyeom").arcs[0].text
    assert third[arc].startswith(pseudo.OPEN)
    assert third[arc] != arc


def test_a_third_language_is_twin_checked_like_korean(pack):
    """Its items, tags, markers and numbers are checked the same way; the Korean script rules are Korean's only."""
    from tests import pseudo

    pseudo.pack_twins(pack)
    text = (pack / "cast.en-XA.toml").read_text(encoding="utf-8")
    start = text.index("[[person.arc]]")
    end = text.index("[[person.arc]]", start + 1)
    (pack / "cast.en-XA.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(pack / "episodes.en-XA.toml", "reveals = 2", "reveals = 3")
    (pack / "show.en-XA.toml").unlink()
    problems = _problems(pack)
    assert "show.en-XA.toml: file is missing" in problems
    tag = "episodes.en-XA.toml: episode[1].recap[0].reveals: must be the English recap point's episode tag 2, got 3"
    assert tag in problems
    assert any(p.startswith("cast.en-XA.toml: person[0].arc: has 13 translated story note(s)") for p in problems), (
        problems
    )
    assert not [p for p in problems if "Hangul" in p or "합니다체" in p]


def test_a_language_with_a_catalogue_needs_its_pack_twins(pack):
    """Korean ships a message catalogue, so its pack twins are required: without them Korean members would read
    the pack in English."""
    for name in ("show", "episodes", "cast"):
        (pack / f"{name}.ko.toml").unlink()
    problems = _problems(pack)
    assert {"show.ko.toml: file is missing", "episodes.ko.toml: file is missing", "cast.ko.toml: file is missing"} <= (
        set(problems)
    )


# -- spoiler words (the spoiler window's AutoMod keywords) -------------------------------------------


def test_spoiler_words_are_tagged_with_their_episode_in_both_languages(catalog):
    """Every aired episode with a sourced recap has words; each is tagged with its own episode and the marker of a
    recap line of that episode, and fits an AutoMod keyword; the Korean twin is Hangul, one for one."""
    korean = catalog.translations["ko"]
    seen: set[str] = set()
    for episode in catalog.episodes:
        markers = {point.confidence for point in episode.recap}
        for word in episode.spoiler_words:
            assert word.reveals == episode.number
            assert word.confidence in markers, (episode.number, word)
            for text in (word.text, korean[word.text]):
                assert 0 < len(text) <= 60
                assert "*" not in text
                assert text.casefold() not in seen, text
                seen.add(text.casefold())
        if episode.recap and all(p.confidence != "derived" for p in episode.recap):
            assert episode.spoiler_words, episode.number
    assert catalog.spoiler_words(16) == (
        "Chairman Seo dies", "서 회장 사망", "sports agent", "스포츠 에이전트", "Eun-bi scandal", "기은비 스캔들",
    )  # fmt: skip
    assert catalog.spoiler_words(10) == ()  # no source describes episode 10: nothing to block


def test_a_spoiler_word_too_long_repeated_or_from_another_episode_is_rejected(pack):
    _edit(pack / "episodes.toml", 'text = "drawing tube"', 'text = "' + "x" * 61 + '"')
    _edit(pack / "episodes.toml", 'text = "private pool"', 'text = "Choi Tae-ri rumour"')
    _edit(pack / "episodes.toml", 'text = "chief of staff"\nreveals = 5', 'text = "chief of staff"\nreveals = 6')
    problems = _problems(pack)
    assert "episodes.toml: episode[0].spoiler_word[1].text: is 61 characters long; AutoMod keywords are at most 60" in (
        problems
    )
    assert (
        "episodes.toml: episode[3].spoiler_word[1].text: 'Choi Tae-ri rumour' is already a spoiler word of episode 2"
        in problems
    )
    assert "episodes.toml: episode[4].spoiler_word[0].reveals: a spoiler word of episode 5 must reveal 5, got 6" in (
        problems
    )


def test_a_korean_spoiler_word_must_be_korean_and_keep_its_tag(pack):
    _edit(pack / "episodes.ko.toml", 'text = "화구통"', 'text = "drawing tube"')
    _edit(pack / "episodes.ko.toml", 'text = "징계위원회"\nreveals = 3', 'text = "징계위원회"\nreveals = 4')
    problems = _problems(pack)
    assert "episodes.ko.toml: episode[0].spoiler_word[1].text: is not Korean: it has no Hangul" in problems
    assert (
        "episodes.ko.toml: episode[2].spoiler_word[0].reveals: must be the English spoiler word's episode tag 3, got 4"
        in problems
    )
