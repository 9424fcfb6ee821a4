"""Intake from every channel: routing, tracking codes, validation that changes nothing, attachments."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zhifa.audit.models import AuditEntry
from zhifa.core.errors import Forbidden, InvalidInput
from zhifa.public.complaints import services as svc
from zhifa.public.complaints.factories import complaint_input, make_complaint
from zhifa.public.complaints.models import Channel, Complaint, ComplaintAttachment, ComplaintEvent, State

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


class TestRouting:
    def test_area_rule_sends_the_complaint_to_the_squadron_of_that_area(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        assert (c.agency, c.unit) == (world.agency_a, world.squad_a1)

    def test_without_an_area_rule_the_category_agency_receives_it_unassigned(
        self, routing, world, frozen
    ) -> None:
        c = make_complaint(routing.street_vending, routing.west)
        assert (c.agency, c.unit) == (world.agency_a, None)

    def test_a_category_wide_rule_applies_to_every_area(self, routing, world, frozen) -> None:
        c = make_complaint(routing.food, routing.west)
        assert (c.agency, c.unit) == (world.agency_b, world.unit_b)

    def test_routing_is_recorded_on_the_timeline_with_the_rule(self, routing, world, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        assign = c.events.get(kind="assign")
        assert "一中队" in assign.internal_note
        assert assign.public_note == "已转交测试市城市管理局办理。"


class TestIntake:
    def test_web_complaint_gets_a_tracking_code_and_the_fifteen_day_deadline(self, routing, frozen) -> None:
        c = make_complaint(routing.street_vending, routing.east)
        assert re.fullmatch(r"TS20250603-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", c.tracking_code)
        assert c.state == State.RECEIVED
        assert c.received_on == dt.date(2025, 6, 3)
        assert c.acceptance_due == c.due_on == dt.date(2025, 6, 18)
        assert c.events.filter(kind="receive").count() == 1

    def test_tracking_codes_are_unique(self, routing, frozen) -> None:
        codes = {make_complaint(routing.street_vending).tracking_code for _ in range(20)}
        assert len(codes) == 20

    def test_anonymous_complaint_keeps_no_identity_even_if_sent(self, routing, frozen) -> None:
        c = make_complaint(
            routing.street_vending, anonymous=True, complainant_name="张三", complainant_phone="13900000000"
        )
        c.refresh_from_db()
        assert (c.complainant_name, c.complainant_phone) == ("", "")

    def test_named_complaint_needs_a_valid_phone_and_changes_nothing_otherwise(self, routing, frozen) -> None:
        with pytest.raises(InvalidInput) as exc:
            make_complaint(routing.street_vending, complainant_phone="12345")
        assert exc.value.detail["field"] == "complainant_phone"
        assert "手机号" in str(exc.value.message)
        assert Complaint.objects.count() == 0
        assert ComplaintEvent.objects.count() == 0

    def test_an_inactive_category_is_refused(self, routing, frozen) -> None:
        routing.noise.is_active = False
        routing.noise.save()
        with pytest.raises(InvalidInput):
            make_complaint(routing.noise)

    def test_content_too_short_is_refused_with_the_field_named(self, routing, frozen) -> None:
        with pytest.raises(InvalidInput) as exc:
            make_complaint(routing.street_vending, content="太吵")
        assert exc.value.detail["field"] == "content"

    def test_a_future_date_of_occurrence_is_refused(self, routing, frozen) -> None:
        with pytest.raises(InvalidInput):
            make_complaint(routing.street_vending, occurred_on=dt.date(2025, 6, 4))

    def test_control_characters_are_dropped_and_markup_is_kept_as_text(self, routing, frozen) -> None:
        c = make_complaint(
            routing.street_vending,
            title="<script>alert(1)</script>\x00摊位",
            content="内容\x00\x07<b>加粗</b>很长很长很长",
        )
        c.refresh_from_db()
        assert "\x00" not in c.title and "\x07" not in c.content
        assert c.title == "<script>alert(1)</script>摊位"

    def test_hotline_intake_is_for_staff_only(self, routing, world, frozen) -> None:
        with pytest.raises(Forbidden):
            make_complaint(routing.street_vending, channel=Channel.HOTLINE_12345)
        with pytest.raises(Forbidden):
            make_complaint(routing.street_vending, channel=Channel.HOTLINE_12345, actor=world.outsider)
        c = make_complaint(
            routing.street_vending,
            channel=Channel.HOTLINE_12319,
            actor=world.officer_b,
            external_ref="12319-0001",
        )
        assert c.channel == "12319" and c.created_by == world.officer_b

    def test_a_letter_received_earlier_counts_its_fifteen_days_from_receipt(
        self, routing, world, frozen
    ) -> None:
        received = dt.datetime(2025, 5, 26, 9, 0, tzinfo=dt.UTC)
        c = svc.complaint_submit(
            data=complaint_input(routing.street_vending),
            channel=Channel.LETTER,
            actor=world.officer_a,
            received_at=received,
        )
        assert c.received_on == dt.date(2025, 5, 26)
        assert c.acceptance_due == dt.date(2025, 6, 10)

    def test_the_audit_entry_does_not_carry_the_identity(self, routing, frozen) -> None:
        c = make_complaint(routing.street_vending)
        entry = AuditEntry.objects.get(action="complaints.submit", object_id=str(c.pk))
        assert "欧阳娜娜" not in str(entry.summary) and "13800138000" not in str(entry.summary)


class TestAttachments:
    def test_images_and_pdfs_are_hashed_and_stored_by_content(
        self, routing, frozen, settings, tmp_path
    ) -> None:
        settings.MEDIA_ROOT = tmp_path
        png, pdf = png_bytes(), pdf_bytes()
        c = svc.complaint_submit(
            data=complaint_input(routing.street_vending),
            channel=Channel.WEB,
            files=[SimpleUploadedFile("现场.png", png), SimpleUploadedFile("../../etc/照片.pdf", pdf)],
        )
        items = list(c.attachments.order_by("id"))
        import hashlib

        assert [a.content_type for a in items] == ["image/png", "application/pdf"]
        assert items[0].sha256 == hashlib.sha256(png).hexdigest()
        assert items[0].sm3 == hashlib.new("sm3", png).hexdigest()
        assert items[1].original_name == "照片.pdf"  # no path survives
        # Stored by content through core.files (the store's root is $MEDIA_ROOT/evidence by default).
        assert (tmp_path / "evidence" / items[0].storage_name).read_bytes() == png

    @pytest.mark.parametrize(
        "case",
        [
            ("a.exe", b"MZ\x90\x00" + b"\x00" * 60, "attachment_type"),
            ("photo.jpg", None, "attachment_type_mismatch"),  # PNG bytes named .jpg
            ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "attachment_corrupt"),
            ("empty.pdf", b"", "attachment_empty"),
            ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<<", "attachment_corrupt"),
        ],
    )
    def test_bad_files_are_refused_and_nothing_is_kept(self, routing, frozen, media, case) -> None:
        name, content, code = case
        tmp_path = media
        data = png_bytes() if content is None else content
        with pytest.raises(InvalidInput) as exc:
            svc.complaint_submit(
                data=complaint_input(routing.street_vending),
                channel=Channel.WEB,
                files=[SimpleUploadedFile(name, data)],
            )
        assert exc.value.code == code
        assert name.split("/")[-1] in str(exc.value.message) or code == "attachment_empty"
        assert Complaint.objects.count() == 0 and ComplaintAttachment.objects.count() == 0
        assert not any(tmp_path.rglob("*.*"))

    def test_more_than_five_files_are_refused(self, routing, frozen) -> None:
        files = [SimpleUploadedFile(f"{i}.png", png_bytes()) for i in range(6)]
        with pytest.raises(InvalidInput) as exc:
            svc.complaint_submit(
                data=complaint_input(routing.street_vending), channel=Channel.WEB, files=files
            )
        assert exc.value.code == "too_many_attachments"

    def test_a_file_over_ten_megabytes_is_refused(self, routing, frozen) -> None:
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024))
        with pytest.raises(InvalidInput) as exc:
            svc.complaint_submit(
                data=complaint_input(routing.street_vending), channel=Channel.WEB, files=[big]
            )
        assert exc.value.code == "attachment_too_large"
