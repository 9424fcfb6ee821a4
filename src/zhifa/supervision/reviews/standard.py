"""The default rubric (评查标准): the split and the items commonly used by provincial dossier-review
standards for administrative-penalty files — veto items that fail a file with 0 points, 20 points for
form (卷面) and 80 for substance (内容), grades 优秀 ≥ 90, 合格 ≥ 60, otherwise 不合格.

No statute fixes these numbers; they are the bureau's standard, which is why a rubric is data the bureau
edits (a new version) rather than a rule in `zhifa.law`. Each item names the article it checks. `check`
names the automatic pre-check (precheck.CHECKS) that can decide the item from the platform's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ItemSpec:
    code: str
    section: str  # veto | form | substance
    text: str
    max_deduction: Decimal
    basis: str
    check: str = ""


DEFAULT_CODE = "standard"
DEFAULT_NAME = "行政处罚案卷评查标准"

D = Decimal
DEFAULT_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec("V01", "veto", "执法主体不合法", D(0), "行政处罚法第十七条、第十九条"),
    ItemSpec("V02", "veto", "执法人员无执法资格或少于两人", D(0), "行政处罚法第四十二条", "officers"),
    ItemSpec(
        "V03",
        "veto",
        "作出处罚决定前未告知当事人拟处罚内容及陈述、申辩、听证权利",
        D(0),
        "行政处罚法第四十四条、第六十二条",
        "prior_notice",
    ),
    ItemSpec(
        "V04", "veto", "当事人申请听证而未组织听证", D(0), "行政处罚法第六十三条、第六十五条", "hearing"
    ),
    ItemSpec(
        "V05",
        "veto",
        "应当法制审核而未审核或审核未通过即作出决定",
        D(0),
        "行政处罚法第五十八条",
        "legal_review",
    ),
    ItemSpec("V06", "veto", "超越职权", D(0), "行政处罚法第十八条、第二十二条"),
    ItemSpec("V07", "veto", "适用法律、法规错误", D(0), "行政处罚法第三十八条"),
    ItemSpec("V08", "veto", "主要事实不清、证据不足", D(0), "行政处罚法第四十条"),
    ItemSpec("V09", "veto", "其他严重违反法定程序", D(0), "行政处罚法第三十八条第二款"),
    ItemSpec("F01", "form", "案卷材料齐全，应有文书完备", D(6), "行政处罚法第四十七条", "documents"),
    ItemSpec("F02", "form", "文书依法送达，送达回证齐全", D(4), "行政处罚法第六十一条", "service"),
    ItemSpec("F03", "form", "卷内目录完整，编号、装订规范", D(3), "行政处罚法第四十七条", "dossier_index"),
    ItemSpec("F04", "form", "文书格式规范，填写完整、字迹清楚", D(4), "行政处罚法第四十七条"),
    ItemSpec("F05", "form", "结案后及时立卷归档", D(3), "行政处罚法第四十七条", "archived"),
    ItemSpec("S01", "substance", "违法事实认定清楚", D(15), "行政处罚法第四十条"),
    ItemSpec(
        "S02", "substance", "证据合法、充分，电子数据完整可验", D(15), "行政处罚法第四十六条", "evidence"
    ),
    ItemSpec("S03", "substance", "适用依据准确，引用条款具体", D(10), "行政处罚法第四十四条、第五十九条"),
    ItemSpec("S04", "substance", "办案期限符合规定", D(10), "行政处罚法第六十条、第六十一条", "deadlines"),
    ItemSpec(
        "S05", "substance", "自由裁量适当，偏离基准说明理由", D(10), "行政处罚法第三十四条", "discretion"
    ),
    ItemSpec("S06", "substance", "处罚决定书说理充分", D(10), "行政处罚法第五十九条"),
    ItemSpec("S07", "substance", "处罚决定执行到位", D(5), "行政处罚法第六十七条、第七十二条", "execution"),
    ItemSpec("S08", "substance", "处罚决定依法按时公开", D(5), "行政处罚法第四十八条", "publication"),
)
