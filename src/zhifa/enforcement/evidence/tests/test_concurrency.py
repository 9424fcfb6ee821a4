import threading

import pytest
from django.db import connection

from zhifa.core.files.models import Blob
from zhifa.enforcement.evidence.factories import jpeg_bytes, make_evidence
from zhifa.enforcement.evidence.models import Evidence

from .conftest import stored_files


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_content_uploaded_concurrently_is_stored_once(world, evidence_root) -> None:
    data = jpeg_bytes("same", seed=77)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def upload(actor) -> None:
        try:
            barrier.wait()
            make_evidence(actor=actor, agency=world.agency_a, data=data)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(u,)) for u in (world.officer_a, world.officer_a2) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Evidence.objects.count() == 4 and Blob.objects.count() == 1
    assert len(stored_files(evidence_root)) == 1
