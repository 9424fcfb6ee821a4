from zhifa.core.masking import mask_id_number, mask_name, mask_phone, redact_text


def test_two_character_name_keeps_the_surname() -> None:
    assert mask_name("张三") == "张**"


def test_three_character_name_masks_both_given_characters() -> None:
    assert mask_name("张三丰") == "张**"


def test_compound_surname_is_kept_whole() -> None:
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("司马光明") == "司马**"


def test_two_characters_that_look_like_a_compound_surname_are_a_surname_and_a_given_name() -> None:
    assert mask_name("司马") == "司**"


def test_one_character_name_is_fully_masked() -> None:
    assert mask_name("张") == "**"


def test_organisations_are_not_masked() -> None:
    assert mask_name("某某市政工程有限公司", is_person=False) == "某某市政工程有限公司"


def test_id_and_phone_keep_only_their_ends() -> None:
    assert mask_id_number("350102199001011234") == "350102********1234"
    assert mask_phone("13800138000") == "138****8000"


def test_redact_text_removes_ids_and_phones() -> None:
    text = "当事人张三（身份证号350102199001011234，电话13800138000，座机0591-87654321）"
    out = redact_text(text)
    assert "350102199001011234" not in out and "13800138000" not in out and "87654321" not in out
    assert out.count("[已隐去]") == 3


# --- issue 14 finding 3: the variants that passed the mask -----------------------------------------
import pytest  # noqa: E402

from zhifa.core.masking import contains_personal_data  # noqa: E402


@pytest.mark.parametrize(
    "text",
    [
        "身份证号3501 0219 9001 0112 34",
        "身份证号350102-19900101-1234",
        "旧身份证350102900101123",
        "电话138-0013-8000",
        "电话138 0013 8000",
        "电话１３８００１３８０００",
        "电话+86 13800138000",
        "电话+86-138-0013-8000",
    ],
)
def test_numbers_in_any_spelling_are_removed(text: str) -> None:
    out = redact_text(text)
    assert "[已隐去]" in out and not contains_personal_data(out)
    assert not any(ch.isdigit() for ch in out.replace("[已隐去]", "")), out


def test_names_have_a_fixed_width() -> None:
    assert mask_name("李" + "明" * 56) == "李**"


def test_third_parties_named_in_the_facts_are_masked() -> None:
    out = redact_text("当事人张三雇佣李四在店内销售过期食品，经王小明举报查实；现场负责人欧阳娜娜在场。")
    for name in ["张三", "李四", "王小明", "欧阳娜娜"]:
        assert name not in out
    assert "李**" in out and "欧阳**" in out and "过期食品" in out


def test_ordinary_legal_words_are_not_taken_for_names() -> None:
    text = "未取得许可证擅自经营，当事人陈述申辩后，张某某称其不知情，在张家港经营。"
    assert redact_text(text) == text


def test_home_addresses_are_removed_but_the_place_of_the_act_stays() -> None:
    out = redact_text("当事人家住海州市东湖区幸福小区5幢1201室，在人民路12号门前经营。住址：海州市西湖路3号")
    assert "1201" not in out and "幸福小区" not in out and "西湖路3号" not in out
    assert "人民路12号门前经营" in out


def test_amounts_and_dates_are_kept() -> None:
    text = "处以罚款人民币5000元，2026-03-05送达，案号海城管罚〔2026〕12号。"
    assert redact_text(text) == text
