"""Chain of custody, serving rules, who may reach evidence, redaction, and
``verify-evidence`` catching a changed byte."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from himoya.core.models import AuditEvent
from himoya.core.policies import SystemActor
from himoya.evidence import files, services
from himoya.evidence.models import EvidenceItem
from himoya.evidence.selectors import custody_history
from tests.api.world import api_client
from tests.conftest import make_client
from tests.evidence.helpers import photo, upload

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test:evidence")


def _receive(case: Any, data: bytes, *, derive: bool = False) -> EvidenceItem:
    item = services.evidence_receive(actor=ACTOR, case=case, source=io.BytesIO(data))
    if derive:
        from himoya.evidence.tasks import derive_working_copies

        derive_working_copies.call(item.pk)
    return item


def _url(name: str, item: EvidenceItem, *extra: Any) -> str:
    return reverse(f"evidence:{name}", args=[item.case_id, item.pk, *extra])


def test_view_and_download_are_custody_entries_with_who_and_why(world: Any, media: Any) -> None:
    item = _receive(world.case, photo(), derive=True)
    client = make_client(world.a_lawyer)
    clean = item.copies.get(kind="clean")
    assert client.get(_url("copy", item, clean.pk)).status_code == 200
    response = client.get(_url("download", item), {"what": "original", "purpose": "court"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo()
    actions = [(e.action, e.actor_id, e.data.get("purpose")) for e in custody_history(item)]
    assert actions[0][0] == "evidence.receive"
    assert ("evidence.view", world.a_lawyer.pk, "review") in actions
    assert ("evidence.download", world.a_lawyer.pk, "court") in actions
    page = client.get(_url("item", item))
    assert page.status_code == 200
    assert "custody-table" in page.content.decode()
    assert len(page.context["history"]) == 3
    # A download without a reason is not served.
    refused = client.get(_url("download", item), {"what": "original"})
    assert refused.status_code == 302


@pytest.mark.parametrize(
    "data, name",
    [
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
         "a.svg"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a.html"),
        (b"PK\x05\x06" + b"\x00" * 18, "a.zip"),
    ],
)  # fmt: skip
def test_svg_html_and_archives_are_kept_but_only_downloaded(
    world: Any, media: Any, data: bytes, name: str
) -> None:
    item = _receive(world.case, data)
    assert item.copy_state == "none"
    client = make_client(world.a_lawyer)
    response = client.get(_url("download", item), {"what": "original", "purpose": "review"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert not item.copies.exists()


@pytest.mark.parametrize("who", ["b_coordinator", "a_analyst", "a_outsider"])
def test_other_organisations_and_analysts_never_reach_evidence(
    world: Any, media: Any, who: str
) -> None:
    item = _receive(world.case, photo(), derive=True)
    client = make_client(getattr(world, who))
    clean = item.copies.get(kind="clean")
    for url in (_url("item", item), _url("copy", item, clean.pk)):
        assert client.get(url).status_code == 404
    assert client.get(_url("download", item), {"purpose": "court"}).status_code == 404
    posted = client.post(
        reverse("evidence:upload", args=[world.case.pk]), {"file": upload(photo())}
    )
    assert posted.status_code == 404
    page = client.get(reverse("cases:detail", args=[world.case.pk]))
    assert b"evidence-items" not in page.content
    assert not AuditEvent.objects.filter(action="evidence.download").exists()
    assert EvidenceItem.objects.count() == 1


def test_an_item_of_another_case_is_not_found_through_this_one(world: Any, media: Any) -> None:
    from tests.factories import open_case

    other = open_case(world.a_coordinator, world.org_a)
    item = _receive(other, photo())
    client = make_client(world.a_lawyer)
    url = reverse("evidence:item", args=[world.case.pk, item.pk])
    assert client.get(url).status_code == 404


def test_the_api_takes_a_file_with_a_token_and_refuses_an_analyst(world: Any, media: Any) -> None:
    url = f"/api/v1/cases/{world.case.pk}/evidence"
    response = api_client(world.a_lawyer).post(url, {"file": upload(photo(), "p.jpg")})
    assert response.status_code == 201, response.content
    body = response.json()
    item = EvidenceItem.objects.get(pk=body["id"])
    assert body["sha256"] == item.sha256
    listed = api_client(world.a_lawyer).get(url).json()
    assert [i["id"] for i in listed] == [item.pk]
    assert api_client(world.a_analyst).get(url).status_code == 404
    assert api_client(world.b_lawyer).post(url, {"file": upload(photo())}).status_code == 404
    assert EvidenceItem.objects.count() == 1


def test_redaction_makes_a_new_copy_and_leaves_the_original(world: Any, media: Any) -> None:
    data = photo(width=100, height=80)
    item = _receive(world.case, data, derive=True)
    client = make_client(world.a_lawyer)
    response = client.post(_url("redact", item), {"regions": "10, 10, 30, 20\n50,40,200,200"})
    assert response.status_code == 302
    redacted = item.copies.get(kind="redacted")
    assert redacted.regions == [[10, 10, 30, 20], [50, 40, 50, 40]]
    from PIL import Image

    with files.open_plain(redacted.stored_name, services.copy_binding(redacted)) as plain:
        image = Image.open(io.BytesIO(plain.read())).convert("RGB")
    # Black, give or take the JPEG encoding of the copy.
    assert sum(image.getpixel((20, 15))) < 15
    assert sum(image.getpixel((5, 5))) > 100
    assert files.hash_stored(item.stored_name, services.item_aad(item))[0] == item.sha256
    bad = client.post(_url("redact", item), {"regions": "x"})
    assert bad.status_code == 400
    analyst = make_client(world.a_analyst)
    assert analyst.post(_url("redact", item), {"regions": "1,1,2,2"}).status_code == 404


def test_verify_evidence_names_an_item_with_one_changed_byte(world: Any, media: Any) -> None:
    good = _receive(world.case, photo())
    bad = _receive(world.case, b"%PDF-1.4\n" + b"fictional report " * 5000)
    out = io.StringIO()
    call_command("verify_evidence", stdout=out)
    assert "Checked 2 evidence items" in out.getvalue()
    path = files.path_of(bad.stored_name)
    raw = bytearray(path.read_bytes())
    raw[200] ^= 0x01
    path.write_bytes(bytes(raw))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_evidence", stdout=out, stderr=err)
    assert f"{bad.label} (case {world.case.number})" in err.getvalue()
    assert good.label + " " not in err.getvalue()
    assert "Checked 2 evidence items" in out.getvalue()
    assert AuditEvent.objects.filter(action="evidence.mismatch").count() == 1
    # A file swapped for another item's (both valid) does not open under the wrong row.
    path.write_bytes(files.path_of(good.stored_name).read_bytes())
    with pytest.raises(CommandError):
        call_command("verify_evidence", "--case", world.case.number, stdout=out, stderr=err)
