"""Masking of personal data: the ONE rule every output path that is not the handler's applies
(个人信息保护法 arts. 28, 51; 国办发〔2018〕118号: publish decisions with individuals' personal
information removed or masked). docs/security.md lists the paths.

- Individuals' names keep the surname (compound surnames such as 欧阳, 司马 count as one) followed by a
  fixed "**", whatever the name's length: 张三 → 张**, 张三丰 → 张**, 欧阳娜娜 → 欧阳**. A fixed width
  reveals nothing about the given name (a 56-character "name" must not print 56 asterisks). A
  one-character name becomes "**". Organisations' names are public and stay whole.
- ID numbers and phone numbers keep a few leading and trailing characters for staff displays
  (`mask_id_number`, `mask_phone`); free text that leaves the handlers (`redact_text`) loses them
  entirely, in every spelling people type: 18- and 15-digit 身份证 numbers, with spaces or dashes
  between digit groups, mobiles with +86, dashes, spaces or full-width digits, landlines; home
  addresses (after 住址/家住/户籍… or ending in 栋/单元/室); and person names — the ones the caller
  knows (party, complainant) and the ones jieba's tagger finds in the text (third parties).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MASK = "*"
NAME_MASK = MASK * 2  # fixed width: the length of the given name is personal data too
REDACTED = "[已隐去]"

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "太史",
        "端木",
        "上官",
        "司马",
        "东方",
        "独孤",
        "南宫",
        "万俟",
        "闻人",
        "夏侯",
        "诸葛",
        "尉迟",
        "公羊",
        "赫连",
        "澹台",
        "皇甫",
        "宗政",
        "濮阳",
        "公冶",
        "太叔",
        "申屠",
        "公孙",
        "慕容",
        "仲孙",
        "钟离",
        "长孙",
        "宇文",
        "司徒",
        "鲜于",
        "司空",
        "闾丘",
        "子车",
        "亓官",
        "司寇",
        "巫马",
        "公西",
        "颛孙",
        "壤驷",
        "公良",
        "漆雕",
        "乐正",
        "宰父",
        "谷梁",
        "拓跋",
        "夹谷",
        "轩辕",
        "令狐",
        "段干",
        "百里",
        "呼延",
        "东郭",
        "南门",
        "羊舌",
        "微生",
        "公户",
        "公玉",
        "公仪",
        "梁丘",
        "公仲",
        "公上",
        "公门",
        "公山",
        "公坚",
        "左丘",
        "公伯",
        "西门",
        "公祖",
        "第五",
        "公乘",
        "贯丘",
        "公皙",
        "南荣",
        "东里",
        "东宫",
        "仲长",
        "子书",
        "子桑",
        "即墨",
        "达奚",
        "褚师",
    ]
)


# The most common single-character surnames (百家姓 and modern frequency lists): a word that jieba's
# tagger calls a person name is masked only if it starts with one, which keeps ordinary words out.
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)

_PLACE_OR_BODY_SUFFIXES = frozenset("港市县区镇村乡路街省局所队店厂司庄湾")
_NOT_NAMES_FILE = Path(__file__).with_name("masking_not_names.txt")


def surname_length(name: str) -> int:
    return 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1


def mask_name(name: str, *, is_person: bool = True) -> str:
    name = (name or "").strip()
    if not is_person or not name:
        return name
    if len(name) == 1:
        return NAME_MASK
    return name[: surname_length(name)] + NAME_MASK


def mask_id_number(value: str) -> str:
    """身份证: 350102********1234 style (first 6 = region, last 4). Short values are fully masked."""
    value = (value or "").strip()
    if len(value) < 10:
        return MASK * len(value)
    return value[:6] + MASK * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    digits = (value or "").strip()
    if len(digits) < 7:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]


# Full-width digits, letters X/x, hyphens and spaces fold to ASCII one character for one, so spans found
# in the folded text are the spans of the original.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "Ｘ": "X",
        "ｘ": "x",
        "－": "-",
        "—": "-",
        "–": "-",
        "\u3000": " ",
        "＋": "+",
    }
)
# A run of digits (and a final X) with at most one separator between characters, optionally +86 first.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?\d(?:[ -]?[\dXx])+(?![0-9A-Za-z])")


def _is_personal_number(run: str) -> bool:
    digits = re.sub(r"[ -]", "", run).lstrip("+")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 18 and digits[:17].isdigit():
        return True  # 身份证 (18) — also a bank card of 18 digits: personal either way
    if len(digits) == 15 and digits.isdigit():
        return True  # 身份证 of the first generation (15 digits)
    if len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return True  # mobile
    if 10 <= len(digits) <= 12 and digits.startswith("0") and digits.isdigit():
        return True  # landline with area code
    return len(digits) >= 16 and digits.isdigit()  # bank cards (16-19 digits)


_ADDRESS_CUE = re.compile(
    r"(住址|住所|家住|家庭住址|居住地|居住于|现住|住在|户籍地址|户籍所在地|户籍地)([：:为是在于]*)([^，。；,;\n）)]{1,60})"
)
_PLACE_CHAR = r"(?:(?![在于至的和与及为是向从到])[\u4e00-\u9fa5])"
_HOME_ADDRESS = re.compile(
    rf"{_PLACE_CHAR}{{1,30}}?(?:省|市|区|县|镇|乡|街道|村|路|街|巷|弄|小区|花园|苑|公寓|新村|大院)"
    r"[\d\u4e00-\u9fa5-]{0,30}?\d+\s*(?:栋|幢|号楼|单元|室|户)[\d号栋幢楼单元室户-]*"
)


@functools.cache
def _not_names() -> frozenset[str]:
    """Words jieba tags as names that are ordinary words of the statutes (许可, 文明, 陈述 …): the
    tagger's false positives over the law library, generated by scripts/masking_stoplist.py."""
    return frozenset(w.strip() for w in _NOT_NAMES_FILE.read_text(encoding="utf-8").split() if w.strip())


def _looks_like_person(word: str) -> bool:
    if not 2 <= len(word) <= 4 or word in _not_names():
        return False
    if len(word) >= 3 and word[-1] in _PLACE_OR_BODY_SUFFIXES:
        return False  # 张家港, 王家村, 李家店: the tagger's names that are places or businesses
    if word[:2] in COMPOUND_SURNAMES and len(word) >= 3:
        return True
    return word[0] in SINGLE_SURNAMES and not word.endswith("某")


def detected_names(text: str) -> list[str]:
    """Person names jieba's part-of-speech tagger finds (third parties named in facts)."""
    return list(_names_in(text))


# The tagger's answer depends on the text alone (its dictionary is loaded once and never changed):
# the same facts and records are masked again on every view of a case (~1 ms of CPU each for the
# tagger), so each text's names are kept, for the most recent texts.
@functools.lru_cache(maxsize=4096)
def _names_in(text: str) -> tuple[str, ...]:
    from zhifa.core.search import jieba_posseg

    found: list[str] = []
    tokens = [(pair.word, pair.flag) for pair in jieba_posseg().cut(text)]
    for i, (word, flag) in enumerate(tokens):
        if flag in ("nr", "nrfg") and _looks_like_person(word):
            found.append(word)
        elif flag == "nrt" and i > 0 and tokens[i - 1][0] in COMPOUND_SURNAMES:
            found.append(tokens[i - 1][0] + word)  # 欧阳 + 娜娜, split by the tagger
    return tuple(found)


def redact_text(text: str, *, names: Iterable[str] = (), detect_names: bool = True) -> str:
    """Free text made fit for someone who does not handle the matter: ID, phone and card numbers and
    home addresses replaced by [已隐去], person names masked (the given `names` and detected ones).
    Longest names first, so 张三丰 is not half-replaced through 张三; one-character names are skipped
    (replacing every occurrence of one character would mangle the text and hide nothing)."""
    text = text or ""
    folded = text.translate(_FOLD)
    spans = [m.span() for m in _DIGIT_RUN.finditer(folded) if _is_personal_number(m.group())]
    out = []
    last = 0
    for start, end in spans:
        out.append(text[last:start])
        out.append(REDACTED)
        last = end
    out.append(text[last:])
    text = "".join(out)
    text = _ADDRESS_CUE.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    text = _HOME_ADDRESS.sub(REDACTED, text)
    all_names = {n.strip() for n in names if n and len(n.strip()) >= 2}
    if detect_names:
        all_names.update(detected_names(text))
    for name in sorted(all_names, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def contains_personal_data(text: str, *, names: Iterable[str] = ()) -> list[str]:
    """What `redact_text` would remove, for tests and checks: numbers and the given full names."""
    folded = (text or "").translate(_FOLD)
    hits = [m.group() for m in _DIGIT_RUN.finditer(folded) if _is_personal_number(m.group())]
    hits += [n for n in names if n and len(n) >= 2 and n in (text or "")]
    return hits


def mask_any(value: Any, *, names: Iterable[str] = ()) -> Any:
    """`redact_text` over every string inside a JSON-like value (event payloads, summaries)."""
    names = tuple(names)
    if isinstance(value, str):
        return redact_text(value, names=names)
    if isinstance(value, list):
        return [mask_any(v, names=names) for v in value]
    if isinstance(value, dict):
        return {k: mask_any(v, names=names) for k, v in value.items()}
    return value
