"""Masking of personal data (个人信息保护法 arts. 28, 51; 国办发〔2018〕118号: publish decisions with
individuals' personal information removed or masked).

- Individuals' names keep the surname (compound surnames such as 欧阳, 司马 count as one) and mask every
  other character with "*": 张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧阳**. A one-character name is fully
  masked. Organisations' names are public and stay whole.
- ID numbers and phone numbers keep a few leading and trailing characters for staff displays; the
  public portal removes them entirely (`redact_text`).
"""

from __future__ import annotations

import re

MASK = "*"

# 复姓 in current use (百家姓 and common modern ones).
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


def surname_length(name: str) -> int:
    return 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1


def mask_name(name: str, *, is_person: bool = True) -> str:
    name = (name or "").strip()
    if not is_person or not name:
        return name
    if len(name) == 1:
        return MASK
    keep = surname_length(name)
    return name[:keep] + MASK * (len(name) - keep)


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


_ID_RE = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
_MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def redact_text(text: str, *, replacement: str = "[已隐去]") -> str:
    """Remove 身份证 numbers and phone numbers from free text before publication."""
    text = _ID_RE.sub(replacement, text or "")
    text = _MOBILE_RE.sub(replacement, text)
    return _LANDLINE_RE.sub(replacement, text)
