"""Alerts link to the page of their object."""

from types import SimpleNamespace

from zhifa.foundation.alerts.kinds import attach_links, register_object_link


def test_alerts_get_the_url_of_their_object() -> None:
    case = SimpleNamespace(object_type="cases.case", object_id="12")
    complaint = SimpleNamespace(object_type="complaints.complaint", object_id="7")
    loose = SimpleNamespace(object_type="", object_id="")
    register_object_link("test.thing", lambda ids: {i: f"/things/{i}/" for i in ids})
    thing = SimpleNamespace(object_type="test.thing", object_id="3")
    attach_links([case, complaint, loose, thing])
    assert case.link == "/cases/12/"
    assert complaint.link == "/complaints/7/"
    assert loose.link == ""
    assert thing.link == "/things/3/"
