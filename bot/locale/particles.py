"""Korean particles chosen from the text actually inserted before them.

A Korean particle has two forms, one after a syllable that ends in a consonant (받침) and one after a vowel:
이/가, 을/를, 은/는, 과/와, 아/야, (이)나, (이)라, (이)에요/예요, and (으)로, which also takes the short form after ㄹ.
A translation writes the particle after a placeholder the way Korean software has always written an undecided
one, ``{when}(이)나``, ``{zone}을(를)``, ``{channel}(으)로``, and the formatter replaces it with the form that fits
what ``{when}`` turned out to be: ``오전 8시나``, ``"이번 주 수요일"이나``, ``Asia/Seoul로``.

What counts as the final sound (:func:`final_sound`):

- a Hangul syllable: its own final consonant (ㄹ apart, for (으)로);
- a number, read as Korean reads numerals (Sino-Korean): ``1`` 일, ``3`` 삼, ``10`` 십, ``100`` 백, ``1000`` 천,
  ``20000`` 이만; a decimal by its last digit; a clock time ``8:00`` as 시, ``20:30`` as 분;
- Latin letters: an acronym letter by letter (``UTC`` 씨, ``DM`` 엠, ``URL`` 엘), a word by how Korean writes the
  English word (``Seoul`` 서울, ``London`` 런던, ``server`` 서버, ``Netflix`` 넷플릭스, ``Bangkok`` 방콕);
- closing quotes, brackets and Discord markup (``**``, ``"…"``, ``(…)``) are looked through;
- a Discord timestamp (``<t:…:F>``) by how Discord's Korean client writes it.

What cannot be read (a mention ``<#…>``, whose name only the reader's client knows, an emoji, Chinese characters)
keeps the written ambiguous form (``이(가)``), which every Korean reader understands, and is counted in
``Texts.undecided`` so a test notices.

``tossi`` (PyPI, BSD) does the same for Hangul and numbers, but answers "unknown" for every Latin word (so
``Asia/Seoul을(를)`` stays undecided), depends on ``six`` and ``bidict`` and has not been released since 2017; this
module is about the size of the part of it we would use, typed, and reads English words too.
"""

from __future__ import annotations

import re
import time
import unicodedata
from typing import Final, Literal

Sound = Literal["vowel", "rieul", "consonant", "unknown"]
"""The end of a word as a particle sees it: no final consonant, ㄹ, another final consonant, or unknown."""

#: The written markers a translation may put after a placeholder. ``(이)`` and ``(으)`` go in front of the rest of
#: the particle (``(이)나``, ``(이)라는``, ``(으)로``, ``(으)로는``); the others are pairs.
MARKER: Final = re.compile(
    r"이\(가\)|가\(이\)|을\(를\)|를\(을\)|은\(는\)|는\(은\)|과\(와\)|와\(과\)|아\(야\)|야\(아\)"
    r"|\(으\)로|\(이\)에|\(이\)었|\(이\)"
)
_PAIRS: Final = {
    "이(가)": ("이", "가"),
    "가(이)": ("이", "가"),
    "을(를)": ("을", "를"),
    "를(을)": ("을", "를"),
    "은(는)": ("은", "는"),
    "는(은)": ("은", "는"),
    "과(와)": ("과", "와"),
    "와(과)": ("과", "와"),
    "아(야)": ("아", "야"),
    "야(아)": ("아", "야"),
}


def choose(marker: str, after: str) -> tuple[str, bool]:
    """The form of ``marker`` (``"이(가)"``, ``"(이)"``, ``"(이)에"``, ``"(으)로"``...) after the text ``after``.
    Returns the text that replaces the marker and whether the sound was known (an unknown one keeps the written
    marker)."""
    sound = final_sound(after)
    if sound == "unknown":
        return marker, False
    closed = sound != "vowel"
    pair = _PAIRS.get(marker)
    if pair is not None:
        return pair[0] if closed else pair[1], True
    if marker == "(으)로":
        return "으로" if sound == "consonant" else "로", True
    # (이): 이나/나, 이라/라, 이랑/랑; (이)에: 이에요/예요; (이)었: 이었어요/였어요
    if marker == "(이)에":
        return ("이에" if closed else "예"), True
    if marker == "(이)었":
        return ("이었" if closed else "였"), True
    return ("이" if closed else ""), True


# -- the final sound -----------------------------------------------------------------------------------------------

#: Closing punctuation and Discord markup a reader's eye passes over to reach the word (and sentence marks).
_TRANSPARENT: Final = frozenset("\"'”’»」』〉》)]}*_~`|.,!?…:;-–—/ \u00a0\u200b")
_DISCORD_TOKEN: Final = re.compile(r"<(t:-?\d+(?::([tTdDfFsSR]))?|@[!&]?\d+|#\d+|a?:\w+:\d+|/[^:>]+:\d+)>$")
_NUMBER: Final = re.compile(r"(\d[\d,]*)(\.\d+)?$")
_CLOCK: Final = re.compile(r"\d{1,2}:(\d{2})$")
_LATIN: Final = re.compile(r"[A-Za-z]+$")

# Sino-Korean digits: 영 일 이 삼 사 오 육 칠 팔 구.
_DIGITS: Final[tuple[Sound, ...]] = (
    "consonant", "rieul", "vowel", "consonant", "vowel", "vowel", "consonant", "rieul", "rieul", "vowel",
)  # fmt: skip


def _units(zeros: int) -> Sound:
    """A round number by its largest unit: 십, 백, 천, 만, 억, 조, 경 (then unknown)."""
    if zeros <= 3:
        return "consonant"  # 십 백 천
    if zeros <= 11:
        return "consonant"  # 만 억
    if zeros <= 15:
        return "vowel"  # 조
    if zeros <= 19:
        return "consonant"  # 경
    return "unknown"


def _hangul(ch: str) -> Sound | None:
    code = ord(ch)
    if 0xAC00 <= code <= 0xD7A3:
        final = (code - 0xAC00) % 28
        return "vowel" if final == 0 else "rieul" if final == 8 else "consonant"
    if 0x3131 <= code <= 0x314E:  # a consonant letter alone (ㅋㅋ): read as the consonant
        return "rieul" if ch == "ㄹ" else "consonant"
    if 0x314F <= code <= 0x3163:  # a vowel letter alone
        return "vowel"
    return None


def _number(digits: str, decimals: str | None) -> Sound:
    if decimals:
        return _DIGITS[int(decimals[-1])]
    value = digits.replace(",", "")
    stripped = value.rstrip("0")
    if not stripped:
        return "consonant"  # 영
    zeros = len(value) - len(stripped)
    return _DIGITS[int(stripped[-1])] if zeros == 0 else _units(zeros)


# Letters of the alphabet as Korean reads them: 에이 비 씨 디 이 에프 지 에이치 아이 제이 케이 엘 엠 엔 오 피 큐 알 에스
# 티 유 브이 더블유 엑스 와이 지.
_LETTERS: Final = {"L": "rieul", "R": "rieul", "M": "consonant", "N": "consonant"}
#: Words whose Korean spelling the rules below get wrong (place names of the time-zone database among them).
_WORDS: Final[dict[str, Sound]] = {
    "york": "consonant",  # 뉴욕
    "rome": "vowel",  # 로마
    "good": "consonant",  # 굿
    "google": "rieul",  # 구글
    "discord": "vowel",  # 디스코드
    "am": "consonant",  # 에이엠
    "pm": "consonant",  # 피엠
}
_VOWELS: Final = frozenset("aeiouy")


def _english(word: str) -> Sound:
    """The final sound of an English word as Korean writes it (a heuristic that gets common words right)."""
    lower = word.lower()
    known = _WORDS.get(lower)
    if known is not None:
        return known
    if len(word) == 1 or (word.isupper() and len(word) <= 5) or not _VOWELS & set(lower):
        # a letter, an acronym or a word without vowels (png): read letter by letter
        return _LETTERS.get(word[-1].upper(), "vowel")  # type: ignore[return-value]
    if lower.endswith("ng"):
        return "consonant"  # 링, 송
    if lower.endswith(("l", "le")):
        return "rieul"  # 서울, 호텔, 테이블, 파일
    if lower[-1] in "mn" or (lower[-1] == "e" and len(lower) > 2 and lower[-2] in "mn" and lower[-3] in _VOWELS):
        return "consonant"  # 팀, 런던, 타임, 폰
    if lower.endswith("ook"):
        return "consonant"  # 북, 룩
    # A short vowel closed by p, b, t, k, ck, c: 업, 웹, 컷, 북, 방콕, 뮤직 (after another consonant: 캠프, 링크).
    stem = lower[:-2] if lower.endswith("ck") else lower[:-1]
    if lower[-1] in "pbtkc" and stem and stem[-1] in _VOWELS and (len(stem) < 2 or stem[-2] not in _VOWELS):
        return "consonant"
    return "vowel"  # 서버, 넷플릭스, 코드, 쇼, 도쿄


def _timestamp(seconds: int, style: str | None) -> Sound:
    """How Discord's Korean client ends a timestamp: ``2026년 11월 27일 금요일 오후 8:00`` (F), ``오후 8:00`` (t),
    ``2026년 11월 27일`` (D), ``2026. 11. 27.`` (d), ``3시간 후`` / ``3일 전`` (R)."""
    if style in ("d", "D"):
        return "rieul"  # 일, 27 (칠)
    if style == "R":
        return "vowel" if seconds >= time.time() else "consonant"  # 3시간 후, 3시간 전
    return "unknown" if style in ("T", "S") else "vowel"  # 8:00 read as 8시; minutes make it 분 (a guess we avoid)


def final_sound(text: str) -> Sound:
    """The final sound of ``text`` as a Korean reader reads it (see the module's docstring)."""
    text = text[-60:]  # the end is all that matters (and keeps the searches below short)
    end = len(text)
    while end:
        token = _DISCORD_TOKEN.search(text, 0, end) if text[end - 1] == ">" else None
        if token is not None:
            inner = token.group(1)
            if inner.startswith("t:"):
                return _timestamp(int(inner[2:].split(":")[0]), token.group(2))
            if inner.startswith("/"):  # a command mention shows its name
                return final_sound(inner[1:].rsplit(" ", 1)[-1])
            return "unknown"  # a mention or an emoji: the reader's client shows a name we do not know
        ch = text[end - 1]
        if ch in _TRANSPARENT:
            end -= 1
            continue
        sound = _hangul(ch)
        if sound is not None:
            return sound
        if ch.isdigit():
            clock = _CLOCK.search(text, 0, end)
            if clock is not None:
                return "vowel" if clock.group(1) == "00" else "consonant"  # 8시, 8시 30분
            number = _NUMBER.search(text, 0, end)
            assert number is not None
            return _number(number.group(1), number.group(2))
        if ch.isascii() and ch.isalpha():
            word = _LATIN.search(text, 0, end)
            assert word is not None
            return _english(word.group(0))
        if ch == "%":
            return "vowel"  # 퍼센트
        if ch == "+":
            return "vowel"  # 플러스
        category = unicodedata.category(ch)
        if category.startswith("L") and ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"):
            return _english(unicodedata.normalize("NFKD", ch)[0])  # an accented Latin letter
        return "unknown"
    return "unknown"
