"""Every write to the law library and the power list.

Versioning: an item's content lives in `PowerItemVersion` rows. Only a draft is edited; publishing
turns the draft into the live version and the previous live version into 'superseded'. Published
and superseded versions are never changed or deleted (cases keep the version they used), so the
versions are the history of the item's content; the audit log records who did what.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhifa.audit.services import audit_record
from zhifa.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhifa.core.search import IndexDoc, search_index_many
from zhifa.org.models import OrgNode
from zhifa.org.roles import Role
from zhifa.org.selectors import scope_agency_ids
from zhifa.powers.content import VERSION_FIELDS, VersionContent, content_of, validate_code, validate_content
from zhifa.powers.lawtext import LawTextError, ParsedLaw, parse_law_markdown, parse_reference
from zhifa.powers.models import (
    Article,
    DiscretionTier,
    Law,
    PowerItem,
    PowerItemVersion,
    Provision,
)

SEARCH_KIND_ARTICLE = "article"
SEARCH_KIND_POWER_ITEM = "power_item"

# --- Law library ------------------------------------------------------------------------------------

# Kinds the titles do not reveal reliably; everything else follows `law_kind_for`.
LAW_KIND_OVERRIDES: dict[str, str] = {
    "信访工作条例": Law.Kind.ADMINISTRATIVE_REGULATION,  # 中共中央、国务院 issued it jointly
}


def law_kind_for(title: str, short_name: str) -> str:
    if short_name in LAW_KIND_OVERRIDES:
        return LAW_KIND_OVERRIDES[short_name]
    if title.startswith(("最高人民法院", "最高人民检察院")) and "解释" in title:
        return Law.Kind.JUDICIAL_INTERPRETATION
    local = any(word in title for word in ("省", "自治区")) or (
        "市" in title.replace("城市", "").replace("市容", "").replace("市场", "")
    )
    if title.endswith("法"):
        return Law.Kind.LAW
    if title.endswith(("条例", "暂行条例")):
        return Law.Kind.LOCAL_REGULATION if local else Law.Kind.ADMINISTRATIVE_REGULATION
    return Law.Kind.RULE


# Officers search the library mostly for the penalty provision of a violation, and the article that
# forbids an act and the one that punishes it share their words (大气污染防治法第八十一条 and
# 第一百一十八条 both speak of 露天烧烤): articles in a 法律责任 chapter weigh more.
PENALTY_CHAPTER_WEIGHT = 1.5


def _index_articles(law: Law, articles: Iterable[Article]) -> None:
    search_index_many(
        kind=SEARCH_KIND_ARTICLE,
        docs=[
            IndexDoc(
                a.id,
                None,
                f"{law.short_name} {a.number_text} {a.chapter}",
                a.text,
                PENALTY_CHAPTER_WEIGHT if "法律责任" in a.chapter else 1.0,
            )
            for a in articles
        ],
    )


def law_import(
    *, actor: Any | None, parsed: ParsedLaw, source: str, content_hash: str = ""
) -> tuple[Law, str]:
    """Create or update one law from its parsed text. Returns (law, "created"|"updated"|"unchanged").

    A law is identified by its short name and revision date: a new revision is a new `Law` (the older
    one is marked superseded), so provisions linked to the old articles keep pointing at the text in
    force when they were written."""
    now = timezone.now()
    with transaction.atomic():
        law = (
            Law.objects.select_for_update()
            .filter(short_name=parsed.short_name, revised_on=parsed.revised_on)
            .first()
        )
        if law is not None and content_hash and law.content_hash == content_hash:
            return law, "unchanged"
        outcome = "updated" if law is not None else "created"
        if law is None:
            law = Law(short_name=parsed.short_name, revised_on=parsed.revised_on)
        law.title = parsed.title
        law.kind = law_kind_for(parsed.title, parsed.short_name)
        law.effective_on = parsed.effective_on
        law.history = parsed.history
        law.source = source[:300]
        law.content_hash = content_hash
        law.imported_at = now
        newer = Law.objects.filter(short_name=parsed.short_name, revised_on__gt=parsed.revised_on).exists()
        law.status = Law.Status.AMENDED if newer else Law.Status.IN_FORCE
        law.full_clean(exclude=["content_hash"])
        law.save()
        Law.objects.filter(
            short_name=parsed.short_name, revised_on__lt=parsed.revised_on, status=Law.Status.IN_FORCE
        ).update(status=Law.Status.AMENDED)

        existing = {a.number: a for a in Article.objects.filter(law=law)}
        to_create, to_update = [], []
        for position, pa in enumerate(parsed.articles):
            article = existing.pop(pa.number, None)
            if article is None:
                to_create.append(
                    Article(
                        law=law,
                        number=pa.number,
                        number_text=pa.number_text,
                        chapter=pa.chapter[:200],
                        text=pa.text,
                        position=position,
                    )
                )
            elif (article.number_text, article.chapter, article.text, article.position) != (
                pa.number_text,
                pa.chapter[:200],
                pa.text,
                position,
            ):
                article.number_text, article.chapter, article.text, article.position = (
                    pa.number_text,
                    pa.chapter[:200],
                    pa.text,
                    position,
                )
                to_update.append(article)
        Article.objects.bulk_create(to_create)
        Article.objects.bulk_update(to_update, ["number_text", "chapter", "text", "position"])
        if existing:  # articles no longer in this text: unlink provisions (they become unresolved)
            Provision.objects.filter(article__in=existing.values()).update(article=None)
            for gone in existing.values():
                _remove_article_from_search(gone)
            Article.objects.filter(id__in=[a.id for a in existing.values()]).delete()
        _index_articles(law, Article.objects.filter(law=law).order_by("position"))
        audit_record(
            actor=actor,
            action=f"powers.law_{outcome}",
            obj=law,
            summary={
                "short_name": law.short_name,
                "revised_on": law.revised_on,
                "articles": len(parsed.articles),
            },
        )
        provisions_resolve()
    return law, outcome


def _remove_article_from_search(article: Article) -> None:
    from zhifa.core.search import search_remove

    search_remove(kind=SEARCH_KIND_ARTICLE, object_id=article.id)


def laws_import_folder(*, actor: Any | None, folder: Path) -> dict[str, int]:
    """Import every `*.md` of a folder (idempotent: unchanged files are skipped by their hash)."""
    files = sorted(Path(folder).glob("*.md"))
    if not files:
        raise InvalidInput(_("No statute files (*.md) in %(folder)s.") % {"folder": str(folder)})
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for path in files:
        raw = path.read_bytes()
        try:
            parsed = parse_law_markdown(raw.decode("utf-8"), file_name=path.name)
        except (LawTextError, UnicodeDecodeError) as exc:
            raise InvalidInput(
                _("The statute file %(name)s cannot be read: %(reason)s") % {"name": path.name, "reason": exc}
            ) from exc
        _law, outcome = law_import(
            actor=actor, parsed=parsed, source=path.name, content_hash=hashlib.sha256(raw).hexdigest()
        )
        counts[outcome] += 1
    return counts


def _resolve_article(law_name: str, number: int | None, cache: dict[str, Law | None]) -> Article | None:
    if not law_name or number is None:
        return None
    if law_name not in cache:
        # The library's short names drop 中华人民共和国; references sometimes keep it.
        short = law_name.removeprefix("中华人民共和国")
        cache[law_name] = (
            Law.objects.filter(Q(short_name=short) | Q(title=law_name) | Q(title="中华人民共和国" + short))
            .order_by("-revised_on")
            .filter(status__in=[Law.Status.IN_FORCE, Law.Status.NOT_YET])
            .first()
        )
    law = cache[law_name]
    if law is None:
        return None
    return Article.objects.filter(law=law, number=number).first()


def provisions_resolve() -> int:
    """Link provisions that do not point at an article yet (after laws were imported). Returns how
    many were linked."""
    cache: dict[str, Law | None] = {}
    linked = 0
    for provision in Provision.objects.filter(article__isnull=True).exclude(article_number__isnull=True):
        article = _resolve_article(provision.law_name, provision.article_number, cache)
        if article is not None:
            provision.article = article
            provision.save(update_fields=["article"])
            linked += 1
    return linked


# --- Power items ------------------------------------------------------------------------------------


def _write_version_content(version: PowerItemVersion, content: VersionContent) -> None:
    """Set fields, provisions and tiers of an unsaved or draft version (the caller holds the lock)."""
    for name in VERSION_FIELDS:
        setattr(version, name, getattr(content, name))
    version.full_clean(exclude=["item", "created_by", "published_by"])
    version.save()
    version.provisions.all().delete()
    version.tiers.all().delete()
    cache: dict[str, Law | None] = {}
    provisions = []
    for role, text in (
        (Provision.Role.VIOLATED, content.violated_provision),
        (Provision.Role.PENALTY, content.penalty_provision),
    ):
        for position, ref in enumerate(parse_reference(text)):
            provisions.append(
                Provision(
                    version=version,
                    role=role,
                    position=position,
                    text=ref.text[:300],
                    law_name=ref.law_name[:100],
                    article_number=ref.article_number,
                    clause=ref.clause[:100],
                    article=_resolve_article(ref.law_name, ref.article_number, cache),
                )
            )
    Provision.objects.bulk_create(provisions)
    DiscretionTier.objects.bulk_create(
        [
            DiscretionTier(
                version=version,
                position=position,
                name=t.name,
                circumstances=t.circumstances,
                fine_min=t.fine_min,
                fine_max=t.fine_max,
                measures=t.measures,
                source=t.source,
            )
            for position, t in enumerate(content.tiers)
        ]
    )


def _check(content: VersionContent) -> None:
    problems = validate_content(content)
    if problems:
        raise InvalidInput("；".join(problems), code="invalid_power_item", detail={"errors": problems})


def _index_item(item: PowerItem, version: PowerItemVersion, content: VersionContent) -> None:
    body = "\n".join(
        x
        for x in (
            content.name,
            content.violated_provision,
            content.penalty_provision,
            content.penalty_text,
            content.other_measures,
            content.guide,
            *(f"{t.name} {t.circumstances} {t.measures}" for t in content.tiers),
        )
        if x
    )
    search_index_many(
        kind=SEARCH_KIND_POWER_ITEM,
        docs=[IndexDoc(item.id, item.agency_id, f"{item.code} {content.name}", body)],
    )


def power_item_create(
    *,
    actor: Any | None,
    code: str,
    content: VersionContent,
    agency: OrgNode | None = None,
    area: str = "",
    publish: bool = False,
    change_note: str = "",
) -> PowerItem:
    """A new item with version 1 (a draft, or published at once when `publish`)."""
    code = (code or "").strip()
    problems = validate_code(code)
    if problems:
        raise InvalidInput(problems[0], code="invalid_code")
    _check(content)
    if agency is not None and agency.kind != OrgNode.Kind.AGENCY:
        raise InvalidInput(_("The responsible agency must be an agency of the org tree."))
    check_can_manage(actor, agency.id if agency else None)
    now = timezone.now()
    with transaction.atomic():
        if PowerItem.objects.filter(code=code).exists():
            raise Conflict(
                _("A power item with the code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            )
        try:
            with transaction.atomic():
                item = PowerItem.objects.create(code=code, agency=agency, area=area[:50], created_at=now)
        except IntegrityError as exc:  # a concurrent creation of the same code committed since the check
            raise Conflict(
                _("A power item with the code %(code)s already exists.") % {"code": code},
                code="duplicate_code",
            ) from exc
        version = PowerItemVersion(
            item=item, number=1, created_at=now, created_by=_user(actor), change_note=change_note[:300]
        )
        _write_version_content(version, content)
        audit_record(
            actor=actor,
            action="powers.item_create",
            obj=item,
            summary={"code": code, "name": content.name, "publish": publish},
        )
        if publish:
            _publish(actor=actor, item=item, draft=version, now=now)
        else:
            _index_item(item, version, content)
    return item


def check_can_manage(actor: Any | None, agency_id: int | None) -> None:
    """Administrators maintain the power list of the agencies in their scope; a list without a
    responsible agency (city-wide) by any administrator. `actor=None` is the system (commands, demo)."""
    if actor is None:
        return
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(Role.ADMIN):
        raise Forbidden(_("Only administrators maintain the power list."))
    if agency_id is not None and agency_id not in scope_agency_ids(actor, roles=[Role.ADMIN]):
        raise Forbidden(_("This agency is outside your scope."))


def _user(actor: Any | None) -> Any | None:
    return actor if getattr(actor, "pk", None) else None


def _lock_item(item_id: int) -> PowerItem:
    item = PowerItem.objects.select_for_update().filter(id=item_id).first()
    if item is None:
        raise NotFound(_("No such power item."))
    return item


def power_item_save_draft(
    *,
    actor: Any | None,
    item_id: int,
    content: VersionContent,
    change_note: str = "",
    agency: OrgNode | str | None = "unchanged",
    area: str | None = None,
) -> PowerItemVersion:
    """Edit the item's draft, creating it (as the next version number) when there is none. The
    published version is not touched."""
    _check(content)
    if isinstance(agency, OrgNode) and agency.kind != OrgNode.Kind.AGENCY:
        raise InvalidInput(_("The responsible agency must be an agency of the org tree."))
    now = timezone.now()
    with transaction.atomic():
        item = _lock_item(item_id)
        check_can_manage(actor, item.agency_id)
        if isinstance(agency, OrgNode):
            check_can_manage(actor, agency.id)
        draft = item.versions.filter(status=PowerItemVersion.Status.DRAFT).first()
        if draft is None:
            last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
            draft = PowerItemVersion(item=item, number=last + 1, created_at=now, created_by=_user(actor))
        before = content_of(draft) if draft.pk else None
        draft.change_note = change_note[:300]
        _write_version_content(draft, content)
        item_fields = []
        if agency != "unchanged":
            item.agency = agency if isinstance(agency, OrgNode) else None
            item_fields.append("agency")
        if area is not None:
            item.area = area[:50]
            item_fields.append("area")
        if item_fields:
            item.save(update_fields=item_fields)
        audit_record(
            actor=actor,
            action="powers.draft_save",
            obj=item,
            summary={"version": draft.number, "changed": _changed_fields(before, content)},
        )
        if item.published_version_id is None:
            _index_item(item, draft, content)
    return draft


def _changed_fields(before: VersionContent | None, after: VersionContent) -> list[str]:
    if before is None:
        return ["*"]
    changed = [name for name in VERSION_FIELDS if getattr(before, name) != getattr(after, name)]
    if before.tiers != after.tiers:
        changed.append("tiers")
    return changed


def _publish(*, actor: Any | None, item: PowerItem, draft: PowerItemVersion, now: Any) -> None:
    previous = item.published_version
    if previous is not None:
        previous.status = PowerItemVersion.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    draft.status = PowerItemVersion.Status.PUBLISHED
    draft.published_at = now
    draft.published_by = _user(actor)
    draft.save(update_fields=["status", "published_at", "published_by"])
    item.published_version = draft
    item.save(update_fields=["published_version"])
    audit_record(
        actor=actor,
        action="powers.publish",
        obj=item,
        summary={"version": draft.number, "previous": previous.number if previous else None},
    )
    _index_item(item, draft, content_of(draft))


def power_item_publish(*, actor: Any | None, item_id: int) -> PowerItemVersion:
    """Publish the draft: it becomes the live version; the previous live version is superseded."""
    with transaction.atomic():
        item = _lock_item(item_id)
        check_can_manage(actor, item.agency_id)
        draft = item.versions.filter(status=PowerItemVersion.Status.DRAFT).first()
        if draft is None:
            raise Conflict(_("There is no draft to publish."), code="no_draft")
        if item.status == PowerItem.Status.WITHDRAWN:
            raise Conflict(_("This power item is withdrawn; it cannot be published."), code="withdrawn")
        _check(content_of(draft))
        _publish(actor=actor, item=item, draft=draft, now=timezone.now())
    return draft


def power_item_discard_draft(*, actor: Any | None, item_id: int) -> None:
    with transaction.atomic():
        item = _lock_item(item_id)
        check_can_manage(actor, item.agency_id)
        draft = item.versions.filter(status=PowerItemVersion.Status.DRAFT).first()
        if draft is None:
            raise Conflict(_("There is no draft to discard."), code="no_draft")
        if item.published_version_id is None:
            raise Conflict(
                _("The first version of an item cannot be discarded; withdraw the item instead."),
                code="only_version",
            )
        number = draft.number
        draft.delete()  # a draft was never live: no case can point at it
        audit_record(actor=actor, action="powers.draft_discard", obj=item, summary={"version": number})


def power_item_set_status(*, actor: Any | None, item_id: int, status: str) -> PowerItem:
    """Withdraw an item from the power list (or restore it). Its versions stay as they are."""
    if status not in PowerItem.Status.values:
        raise InvalidInput(_("Unknown status."))
    with transaction.atomic():
        item = _lock_item(item_id)
        check_can_manage(actor, item.agency_id)
        if item.status != status:
            before = item.status
            item.status = status
            item.save(update_fields=["status"])
            audit_record(
                actor=actor,
                action="powers.item_status",
                obj=item,
                summary={"before": before, "after": status},
            )
    return item


def power_item_import_content(
    *,
    actor: Any | None,
    code: str,
    content: VersionContent,
    agency: OrgNode | None,
    area: str,
    publish: bool,
) -> str:
    """One item from an import: "created", "updated" or "unchanged" (idempotent by code). With
    `publish`, a changed item gets a new published version; otherwise its draft is set."""
    item = PowerItem.objects.filter(code=code).select_related("published_version").first()
    if item is None:
        power_item_create(
            actor=actor,
            code=code,
            content=content,
            agency=agency,
            area=area,
            publish=publish,
            change_note=_("Imported"),
        )
        return "created"
    draft = item.versions.filter(status=PowerItemVersion.Status.DRAFT).prefetch_related("tiers").first()
    compare_to = draft if (draft is not None and not publish) else item.published_version or draft
    if (
        compare_to is not None
        and content_of(compare_to) == content
        and (not publish or compare_to.status == PowerItemVersion.Status.PUBLISHED)
    ):
        return "unchanged"
    power_item_save_draft(actor=actor, item_id=item.id, content=content, change_note=_("Imported"))
    if publish:
        power_item_publish(actor=actor, item_id=item.id)
    return "updated"
