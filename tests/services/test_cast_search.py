"""Name matching over every alias and misspelling in the fact sheet (§3-4), transcribed here
independently of the data pack, plus misspellings that appear nowhere in it."""

import pytest

from bot.errors import UserError
from bot.services.cast_search import CastSearch

SG, MJ, DA, YH = "Ki Seon-gyeom", "Oh Mi-joo", "Seo Dan-ah", "Lee Yeong-hwa"

FACT_SHEET_NAMES = {
    # actors, §4
    "Im Si-wan": SG,
    "Im Siwan": SG,
    "Yim Si-wan": SG,
    "Yim Siwan": SG,
    "Im Shi-wan": SG,
    "Im Shi Wan": SG,
    "Im Si Wan": SG,
    "Siwan": SG,
    "임시완": SG,
    "イム・シワン": SG,
    "Im Shi Hwan": SG,
    "Shin Se-kyung": MJ,
    "Shin Se Kyung": MJ,
    "Shin Sae-kyeong": MJ,
    "Shin Se-kyeong": MJ,
    "Shin Sekyung": MJ,
    "신세경": MJ,
    "シン・セギョン": MJ,
    "Shin See-kyung": MJ,
    "Shin Si-kyung": MJ,
    "Sae-kyeong Shin": MJ,
    "Choi Soo-young": DA,
    "Sooyoung": DA,
    "Soo-young": DA,
    "Choi Sooyoung": DA,
    "Choi Soo Young": DA,
    "Soo-yeong": DA,
    "SNSD Sooyoung": DA,
    "Girls' Generation Sooyoung": DA,
    "최수영": DA,
    "수영": DA,
    "スヨン": DA,
    "Kang Tae-oh": YH,
    "Kang Tae Oh": YH,
    "Kang Taeoh": YH,
    "Taeoh": YH,
    "강태오": YH,
    "カン・テオ": YH,
    # characters, §4
    "Ki Sun-kyum": SG,
    "Ki Sun Kyum": SG,
    "Ki Seon Gyeom": SG,
    "Ki Sun-gyeom": SG,
    "Ki Sun Gyeom": SG,
    "Ki-Sun Gyeom": SG,
    "Seon-gyeom": SG,
    "Sun-kyum": SG,
    "Sun Gyeom": SG,
    "Seon Gyeom": SG,
    "Gi Seon-gyeom": SG,
    "Gi-yom": SG,
    "Seon-Fyeom": SG,
    "기선겸": SG,
    "奇善謙": SG,
    "キ・ソンギョム": SG,
    "Seon-gyeom Kim": SG,
    "Oh Mi Joo": MJ,
    "Mi-joo": MJ,
    "Mijoo": MJ,
    "Mi Ju": MJ,
    "Oh Mi-ju": MJ,
    "오미주": MJ,
    "吳美珠": MJ,
    "オ・ミジュ": MJ,
    "Oh Mi-jo": MJ,
    "Mi-Jo": MJ,
    "Mi-do": MJ,
    "Seo Dan-a": DA,
    "Seo Dan Ah": DA,
    "Dan-ah": DA,
    "Dan-a": DA,
    "Dan-A": DA,
    "Dana": DA,
    "Danah": DA,
    "서단아": DA,
    "徐丹雅": DA,
    "ソ・ダナ": DA,
    "Da-na": DA,
    "Lee Young-hwa": YH,
    "Lee Young Hwa": YH,
    "Lee Yeong Hwa": YH,
    "Yeong-hwa": YH,
    "Young-hwa": YH,
    "Yi Yeong-hwa": YH,
    "이영화": YH,
    "李英華": YH,
    "イ・ヨンファ": YH,
    "Ki Jeong-do": "Ki Jeong-do",
    "Ki Jung-do": "Ki Jeong-do",
    "Ki Jeong Do": "Ki Jeong-do",
    "Gi Jeong-do": "Ki Jeong-do",
    "Assemblyman Ki": "Ki Jeong-do",
    "Congressman Ki": "Ki Jeong-do",
    "기정도": "Ki Jeong-do",
    "Park Yeong-gyu": "Ki Jeong-do",
    "Park Young-gyu": "Ki Jeong-do",
    "Park Young Gyu": "Ki Jeong-do",
    "박영규": "Ki Jeong-do",
    "Yook Ji-woo": "Yook Ji-woo",
    "Yuk Ji-woo": "Yook Ji-woo",
    "Yook Jiwoo": "Yook Ji-woo",
    "Ji-woo": "Yook Ji-woo",
    "육지우": "Yook Ji-woo",
    "Cha Hwa-yeon": "Yook Ji-woo",
    "Cha Hwa-yun": "Yook Ji-woo",
    "차화연": "Yook Ji-woo",
    "Ki Eun-bi": "Ki Eun-bi",
    "Eun-bi": "Ki Eun-bi",
    "Eunbi": "Ki Eun-bi",
    "Gi Eun-bi": "Ki Eun-bi",
    "기은비": "Ki Eun-bi",
    "Ryu A-bel": "Ki Eun-bi",
    "Ryu Abel": "Ki Eun-bi",
    "Kim Woo-sik": "Kim Woo-sik",
    "Woo-shik": "Kim Woo-sik",
    "Woo-Sik": "Kim Woo-sik",
    "Woosik": "Kim Woo-sik",
    "김우식": "Kim Woo-sik",
    "Lee Jung-ha": "Kim Woo-sik",
    "Lee Jeong-ha": "Kim Woo-sik",
    "Kwon Young-il": "Kwon Young-il",
    "Kwon Yeong-il": "Kwon Young-il",
    "Young-il": "Kwon Young-il",
    "Park Sung-joon": "Kwon Young-il",
    "Park Mae-yi": "Park Mae-yi",
    "Mae-yi": "Park Mae-yi",
    "Maeyi": "Park Mae-yi",
    "May": "Park Mae-yi",
    "Lee Bong-ryun": "Park Mae-yi",
    "Lee Bong Ryeon": "Park Mae-yi",
    "Jung Ji-hyun": "Jung Ji-hyun",
    "Jeong Ji-hyeon": "Jung Ji-hyun",
    "Chief Jung": "Jung Ji-hyun",
    "Mr. Jung": "Jung Ji-hyun",
    "Ji-hyun": "Jung Ji-hyun",
    "Yeon Je-wook": "Jung Ji-hyun",
    "Yun Je-wook": "Jung Ji-hyun",
    "Seo Tae-woong": "Seo Tae-woong",
    "Tae-woong": "Seo Tae-woong",
    "Taewoong": "Seo Tae-woong",
    "Choi Jae-hyun": "Seo Tae-woong",
    "Seo Myeong-min": "Seo Myeong-min",
    "Myeong-min": "Seo Myeong-min",
    "Myung-min": "Seo Myeong-min",
    "Lee Shin-gi": "Seo Myeong-min",
    "Seo Myeong-pil": "Seo Myeong-pil",
    "Myung-pil": "Seo Myeong-pil",
    "Chairman Seo": "Seo Myeong-pil",
    "Lee Hwang-ui": "Seo Myeong-pil",
    "Go Ye-joon": "Go Ye-joon",
    "Ko Ye-joon": "Go Ye-joon",
    "Ye-joon": "Go Ye-joon",
    "Yejun": "Go Ye-joon",
    "Go Ye-chan": "Go Ye-chan",
    "Ko Ye-chan": "Go Ye-chan",
    "Ye-chan": "Go Ye-chan",
    "Han Seok-won": "Han Seok-won",
    "Han Suk-won": "Han Seok-won",
    "Director Han": "Han Seok-won",
    "Choi Tae-ri": "Choi Tae-ri",
    "Tae-ri": "Choi Tae-ri",
}

# Typos of our own: none of these appear in the fact sheet.
OWN_MISSPELLINGS = {
    "im siwna": SG,
    "lim si wan": SG,
    "seongyeom": SG,
    "ki sungyum": SG,
    "kiseongyom": SG,
    "기선검": SG,
    "shin sekyong": MJ,
    "oh mijoo": MJ,
    "omiju": MJ,
    "oh mi jooo": MJ,
    "오미즈": MJ,
    "choi suyoung": DA,
    "seo dana": DA,
    "sooyung": DA,
    "서다나": DA,
    "kang teoh": YH,
    "lee yonghwa": YH,
    "yeonghwa": YH,
    "young hwaa": YH,
    "asemblyman ki": "Ki Jeong-do",
    "woosick": "Kim Woo-sik",
    "chairmen seo": "Seo Myeong-pil",
}


@pytest.fixture(scope="module")
def search(catalog):
    return CastSearch(catalog)


@pytest.mark.parametrize(("name", "character"), sorted(FACT_SHEET_NAMES.items()))
def test_every_fact_sheet_name_finds_its_character_first(search, name, character):
    assert search.resolve(name).character == character
    assert search.search(name)[0].person.character == character


@pytest.mark.parametrize(("name", "character"), sorted(OWN_MISSPELLINGS.items()))
def test_misspellings_not_in_the_sheet_still_find_the_character(search, name, character):
    assert search.resolve(name).character == character


def test_autocomplete_ranks_prefix_while_typing(search):
    assert search.search("sun")[0].person.character == SG
    assert search.search("dan")[0].person.character == DA
    assert search.search("")[0].person.character == SG  # empty: main cast first


def test_autocomplete_value_key_resolves_exactly(search, catalog):
    for person in catalog.people:
        assert search.resolve(person.key) is person


def test_unknown_name_is_a_clear_user_error(search):
    with pytest.raises(UserError, match="No one in the cast matches 'Running Man'"):
        search.resolve("Running Man")
    with pytest.raises(UserError):
        search.resolve("zzzz qqqq")


def test_a_name_typed_again_finds_the_same_people_whatever_was_done_with_the_last_answer(search):
    """Searches are remembered (autocomplete asks at every key): a caller trimming its list changes nothing."""
    first = search.search("ki")
    expected = [m.person.key for m in first]
    first.clear()
    assert [m.person.key for m in search.search("ki")] == expected
    assert [m.person.key for m in search.search("ki", limit=2)] == expected[:2]
