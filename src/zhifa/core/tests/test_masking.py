from zhifa.core.masking import mask_id_number, mask_name, mask_phone, redact_text


def test_two_character_name_keeps_the_surname() -> None:
    assert mask_name("张三") == "张*"


def test_three_character_name_masks_both_given_characters() -> None:
    assert mask_name("张三丰") == "张**"


def test_compound_surname_is_kept_whole() -> None:
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("司马光明") == "司马**"


def test_two_characters_that_look_like_a_compound_surname_are_a_surname_and_a_given_name() -> None:
    assert mask_name("司马") == "司*"


def test_one_character_name_is_fully_masked() -> None:
    assert mask_name("张") == "*"


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
