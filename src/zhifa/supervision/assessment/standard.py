"""The default indicator set (依法行政考核指标): 100 points over the themes of an annual rule-of-law
work plan and assessment report — decision-making, normative documents, enforcement (三项制度),
credentials and training, dossier review, reconsideration and litigation (with the head's appearance
in court), disclosure, complaints.

Where the platform holds the data, a leaf is computed from a registered indicator (the code is named,
never imported: a code that no app registers shows as 未登记 instead of failing); the rest are judged
by assessors from the materials an agency files. Targets follow the policy numbers the platform already
keeps as settings (持证率 ≥ 85 %, 学时 and 考试 100 %); the points and the other targets are the
platform's defaults, which a bureau changes by importing its own set (a new version).
"""

from __future__ import annotations

from typing import Any

DEFAULT_CODE = "yfxz"
DEFAULT_NAME = "依法行政考核指标"


def _leaf(code: str, parent: str, name: str, points: int, method: str, **kw: Any) -> dict[str, Any]:
    return {"code": code, "parent": parent, "name": name, "points": str(points), "method": method, **kw}


def _group(code: str, name: str, points: int) -> dict[str, Any]:
    return {"code": code, "parent": "", "name": name, "points": str(points)}


def _rate(  # noqa: PLR0917 — rows of a table
    code: str, parent: str, name: str, points: int, indicator: str, target: str, **kw: Any
) -> dict[str, Any]:
    return _leaf(
        code,
        parent,
        name,
        points,
        "computed",
        indicator_code=indicator,
        target=target,
        formula=kw.pop("formula", "linear"),
        **kw,
    )


DEFAULT_ROWS: tuple[dict[str, Any], ...] = (
    _group("1", "依法科学民主决策", 10),
    _leaf(
        "1.1",
        "1",
        "重大行政决策严格履行公众参与、专家论证、风险评估、合法性审查、集体讨论决定程序",
        6,
        "judged",
        criteria="每发现一项重大决策程序缺失扣2分，扣完为止。",
        materials="重大行政决策目录、程序履行记录",
    ),
    _leaf(
        "1.2",
        "1",
        "法律顾问、公职律师参与决策和合法性审查",
        4,
        "judged",
        criteria="未建立法律顾问制度扣2分；顾问未实际参与扣1至2分。",
        materials="法律顾问聘用合同、审查意见",
    ),
    _group("2", "规范性文件管理", 12),
    _rate(
        "2.1",
        "2",
        "规范性文件报送备案率",
        4,
        "normative.filing_rate",
        "100",
        criteria="备案率100%得满分，低于100%按比例得分。",
    ),
    _rate(
        "2.2",
        "2",
        "规范性文件按时备案率",
        3,
        "normative.filing_on_time_rate",
        "100",
        formula="threshold",
        criteria="全部按时备案得满分，有逾期的不得分。",
    ),
    _rate(
        "2.3",
        "2",
        "备案审查纠错率",
        3,
        "normative.correction_rate",
        "5",
        zero_at="30",
        criteria="纠错率5%以下得满分，30%以上不得分，其间按比例得分。",
    ),
    _leaf(
        "2.4",
        "2",
        "超过有效期仍标注有效的规范性文件",
        2,
        "deduction",
        indicator_code="normative.past_validity_still_valid",
        per_item="1",
        criteria="每发现一件扣1分，扣完为止。",
    ),
    _group("3", "严格规范公正文明执法（三项制度）", 20),
    _leaf(
        "3.1",
        "3",
        "行政执法公示制度落实",
        5,
        "judged",
        criteria="执法主体、依据、程序、结果未按规定公示的，每项扣1分。",
        materials="公示栏目截图、公示清单",
    ),
    _leaf(
        "3.2",
        "3",
        "执法全过程记录制度落实",
        5,
        "judged",
        criteria="应全程音像记录而未记录的，每起扣1分。",
        materials="音像记录台账、抽查记录",
    ),
    _leaf(
        "3.3",
        "3",
        "重大执法决定法制审核制度落实",
        5,
        "judged",
        criteria="未制定法制审核目录扣2分；应审未审每起扣1分。",
        materials="法制审核目录、审核意见书",
    ),
    _rate(
        "3.4",
        "3",
        "双随机抽查计划完成率",
        5,
        "inspections.plan_completion_rate",
        "100",
        criteria="完成率100%得满分，低于100%按比例得分。",
    ),
    _group("4", "执法人员资格与培训", 15),
    _rate(
        "4.1",
        "4",
        "执法人员持证率",
        5,
        "officers.credential_rate",
        "85",
        criteria="持证率85%以上得满分，低于85%按比例得分。",
    ),
    _rate(
        "4.2",
        "4",
        "执法人员学时达标率",
        4,
        "officers.study_hours_rate",
        "100",
        criteria="全员达到年度学时要求得满分，否则按比例得分。",
    ),
    _rate(
        "4.3",
        "4",
        "法律知识培训达标率",
        3,
        "officers.legal_training_rate",
        "100",
        criteria="全员完成法律知识培训天数得满分，否则按比例得分。",
    ),
    _rate(
        "4.4",
        "4",
        "执法人员考试合格率",
        3,
        "officers.exam_pass_rate",
        "100",
        formula="threshold",
        criteria="考试合格率100%得满分，否则不得分。",
    ),
    _group("5", "行政执法案卷评查", 12),
    _rate(
        "5.1",
        "5",
        "案卷评查平均分",
        6,
        "reviews.average_score",
        "90",
        zero_at="60",
        criteria="平均90分以上得满分，60分以下不得分，其间按比例得分。",
    ),
    _rate(
        "5.2",
        "5",
        "案卷评查合格率",
        3,
        "reviews.pass_rate",
        "100",
        criteria="合格率100%得满分，否则按比例得分。",
    ),
    _rate(
        "5.3",
        "5",
        "评查问题按时整改率",
        3,
        "reviews.rectification_on_time_rate",
        "100",
        formula="threshold",
        criteria="全部按时整改得满分，有逾期的不得分。",
    ),
    _group("6", "行政复议与行政应诉", 15),
    _rate(
        "6.1",
        "6",
        "行政机关负责人出庭应诉率",
        5,
        "appeals.head_appearance_rate",
        "100",
        criteria="负责人全部出庭得满分，否则按比例得分。",
    ),
    _rate(
        "6.2",
        "6",
        "行政复议纠错率",
        4,
        "appeals.correction_rate",
        "5",
        zero_at="30",
        criteria="纠错率5%以下得满分，30%以上不得分，其间按比例得分。",
    ),
    _rate(
        "6.3",
        "6",
        "行政诉讼败诉率",
        3,
        "appeals.loss_rate",
        "5",
        zero_at="30",
        criteria="败诉率5%以下得满分，30%以上不得分，其间按比例得分。",
    ),
    _rate(
        "6.4",
        "6",
        "复议答复与应诉答辩按时率",
        3,
        "appeals.answer_on_time_rate",
        "100",
        formula="threshold",
        criteria="全部按时答复、答辩得满分，否则不得分。",
    ),
    _group("7", "政务公开与执法信息公示", 8),
    _rate(
        "7.1",
        "7",
        "抽查结果按时公示率",
        4,
        "inspections.publication_on_time_rate",
        "100",
        criteria="全部按时公示得满分，否则按比例得分。",
    ),
    _leaf(
        "7.2",
        "7",
        "政府信息主动公开和依申请公开",
        4,
        "judged",
        criteria="未按期答复依申请公开的每件扣1分。",
        materials="政府信息公开年度报告、答复台账",
    ),
    _group("8", "投诉举报办理", 8),
    _rate(
        "8.1",
        "8",
        "投诉举报按时受理率",
        3,
        "complaints.acceptance_on_time_rate",
        "100",
        criteria="全部按时受理得满分，否则按比例得分。",
    ),
    _rate(
        "8.2",
        "8",
        "投诉举报按时答复率",
        3,
        "complaints.reply_on_time_rate",
        "100",
        criteria="全部按时答复得满分，否则按比例得分。",
    ),
    _rate(
        "8.3",
        "8",
        "投诉举报办理满意率",
        2,
        "complaints.satisfaction_rate",
        "90",
        criteria="满意率90%以上得满分，低于90%按比例得分。",
    ),
)
