"""Evidence: a large file through the real upload path, and ``verify-evidence``.

    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run --only evidence_upload
    HIMOYA_ENV=test HIMOYA_VAR_DIR=var/bench .venv/bin/python -m bench.run --only evidence_verify
    HIMOYA_BENCH_EVIDENCE_ITEMS=10000 ... --only evidence_verify     # the issue's 10,000

``evidence_upload``: a 200 MB file (``HIMOYA_BENCH_EVIDENCE_MB``) of fictional bytes with an
MP4 signature is sent as ``multipart/form-data`` to ``POST /api/v1/cases/<id>/evidence``
with a personal API token, through Django's WSGI handler and every middleware, from a
``wsgi.input`` that reads the file from disk as the socket would deliver it: the size
guard, the sealing handler (SHA-256 and AES-256-GCM as the bytes arrive), the service and
its audit event. Peak memory is the process's resident high-water mark over the request
(``VmHWM`` after resetting it through ``/proc/self/clear_refs``) less the resident size
before, and Python's own allocations (``tracemalloc``). The baseline in the same run is
the same file read in 1 MiB pieces, hashed with ``hashlib.sha256`` and encrypted with
``cryptography``'s AES-GCM in 64 KiB segments to a file: the floor for this work.

``evidence_verify``: ``HIMOYA_BENCH_EVIDENCE_ITEMS`` items (default 1,000; the generator
keeps them for the next run) of 64-512 KiB each, then ``verify_evidence()`` over all of
them: items/s and MB/s of plaintext re-hashed.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.run import benchmark, log

BOUNDARY = "HimoyaBenchBoundary7"


def _rss_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _fictional_file(path: Path, size: int) -> None:
    rng = random.Random(9)
    block = bytes(rng.getrandbits(8) for _ in range(1 << 16))
    with open(path, "wb") as out:
        out.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        written = 24
        while written < size:
            piece = block[: min(len(block), size - written)]
            out.write(piece)
            written += len(piece)


class _Body(io.RawIOBase):
    """The multipart body read from disk in pieces, as a socket would deliver it."""

    def __init__(self, path: Path) -> None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="video.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.parts: list[Any] = [io.BytesIO(head), open(path, "rb"), io.BytesIO(tail)]  # noqa: SIM115
        self.length = len(head) + path.stat().st_size + len(tail)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self.parts:
            data = self.parts[0].read(size if size > 0 else 1 << 20)
            if data:
                return bytes(data)
            self.parts.pop(0).close()
        return b""


def _case_and_token() -> tuple[Any, str]:
    import datetime as dt

    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    from himoya.accounts.models import Organisation, Role, User
    from himoya.api.services import token_issue
    from himoya.cases import services
    from himoya.cases.models import Case
    from himoya.core.twofactor import has_mfa_device

    org, _ = Organisation.objects.get_or_create(
        slug="bench-evidence", defaults={"name": "Bench evidence", "country": "KZ"}
    )
    user, _ = User.objects.get_or_create(
        email="bench-evidence@bench.invalid",
        defaults={"full_name": "Юрист Бенчмарк", "organisation": org, "role": Role.LAWYER},
    )
    if not has_mfa_device(user):
        # A token works only for an account with two-factor authentication.
        TOTP.activate(user, generate_totp_secret())
    case = Case.objects.filter(organisation=org).first()
    if case is None:
        appeal = services.appeal_register(
            actor=user,
            organisation=org,
            data=services.AppealInput(
                received_on=timezone.localdate() - dt.timedelta(days=1),
                channel="phone",
                consent_processing=True,
                victim=services.PersonInput(full_name="Примеров Бенч"),
                country="KZ",
                violations=["torture"],
                agency="police",
                lawyer=user.pk,
            ),
        )
        case = appeal.case
    return case, token_issue(actor=user, name="bench").secret


def _baseline(path: Path) -> float:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(os.urandom(32))
    started = time.perf_counter()
    digest = hashlib.sha256()
    counter = 0
    with open(path, "rb") as source, tempfile.TemporaryFile() as target:
        while piece := source.read(1 << 20):
            digest.update(piece)
            for start in range(0, len(piece), 1 << 16):
                nonce = counter.to_bytes(12, "big")
                target.write(aead.encrypt(nonce, piece[start : start + (1 << 16)], b""))
                counter += 1
    digest.hexdigest()
    return time.perf_counter() - started


@benchmark("evidence_upload")
def evidence_upload(ctx: Any) -> dict[str, Any]:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    from himoya.evidence.models import EvidenceItem

    size = int(os.environ.get("HIMOYA_BENCH_EVIDENCE_MB", "200")) * 1_000_000
    settings.HIMOYA_MAX_UPLOAD_BYTES = size + (16 << 20)
    case, token = _case_and_token()
    handler = WSGIHandler()
    with tempfile.TemporaryDirectory(prefix="himoya-bench-") as tmp:
        path = Path(tmp) / "video.mp4"
        _fictional_file(path, size)
        baseline = min(_baseline(path) for _ in range(2))
        results: list[dict[str, float]] = []
        # The first run traces Python's allocations (which slows it); the others are timed.
        for run in range(3):
            body = _Body(path)
            environ = {
                "REQUEST_METHOD": "POST",
                "PATH_INFO": f"/api/v1/cases/{case.pk}/evidence",
                "SERVER_NAME": "localhost",
                "SERVER_PORT": "80",
                "HTTP_HOST": "localhost",
                "HTTP_AUTHORIZATION": f"Bearer {token}",
                "REMOTE_ADDR": "127.0.0.1",
                "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
                "CONTENT_LENGTH": str(body.length),
                "wsgi.input": body,
                "wsgi.url_scheme": "https",
                "wsgi.errors": io.StringIO(),
            }
            statuses: list[str] = []
            before = _rss_kib("VmRSS")
            reset = _reset_peak()
            if run == 0:
                tracemalloc.start()
            started = time.perf_counter()
            response = handler(environ, lambda status, _headers, seen=statuses: seen.append(status))
            seconds = time.perf_counter() - started
            py_peak = tracemalloc.get_traced_memory()[1] if run == 0 else 0
            tracemalloc.stop()
            usage = resource.getrusage(resource.RUSAGE_SELF)
            peak = _rss_kib("VmHWM") if reset else usage.ru_maxrss
            content = b"".join(response)
            if not statuses or not statuses[0].startswith("201"):
                raise RuntimeError(f"upload failed: {statuses} {content[:300]!r}")
            results.append(
                {
                    "seconds": seconds,
                    "rss_peak_over_start_mb": (peak - before) / 1024,
                    "python_peak_mb": py_peak / 1e6,
                }
            )
        item = EvidenceItem.objects.filter(case=case).order_by("-id").first()
        assert item is not None and item.size == size
    best = min(results[1:], key=lambda r: r["seconds"])
    return {
        "evidence_upload": {
            "file_mb": size / 1e6,
            "upload_s": round(best["seconds"], 2),
            "upload_mb_s": round(size / 1e6 / best["seconds"], 1),
            "baseline_s": round(baseline, 2),
            "baseline_mb_s": round(size / 1e6 / baseline, 1),
            "ratio_to_baseline": round(best["seconds"] / baseline, 2),
            "rss_peak_over_start_mb": round(max(r["rss_peak_over_start_mb"] for r in results), 1),
            "python_peak_mb": round(max(r["python_peak_mb"] for r in results), 1),
        }
    }


@benchmark("evidence_verify")
def evidence_verify(ctx: Any) -> dict[str, Any]:
    from himoya.core.policies import SystemActor
    from himoya.evidence import services
    from himoya.evidence.models import EvidenceItem
    from himoya.evidence.verify import verify_evidence

    wanted = int(os.environ.get("HIMOYA_BENCH_EVIDENCE_ITEMS", "1000"))
    case, _token = _case_and_token()
    have = EvidenceItem.objects.filter(case=case, content_type="audio/mpeg").count()
    rng = random.Random(11)
    actor = SystemActor("bench:evidence")
    if have < wanted:
        log(f"generating {wanted - have} evidence items ...")
    for _n in range(have, wanted):
        size = rng.randint(64, 512) * 1024
        # An MP3 signature: kept as audio, no working copy to make without ffmpeg.
        data = b"ID3\x04\x00\x00\x00\x00\x00\x00" + rng.randbytes(size - 10)
        services.evidence_receive(actor=actor, case=case, source=io.BytesIO(data))
    started = time.perf_counter()
    report = verify_evidence(case.number)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(f"{len(report.problems)} items failed verification")
    return {
        "evidence_verify": {
            "items": report.checked,
            "mb": round(report.bytes / 1e6, 1),
            "seconds": round(seconds, 2),
            "items_per_s": round(report.checked / seconds, 1),
            "mb_per_s": round(report.bytes / 1e6 / seconds, 1),
        }
    }


@benchmark("evidence_package")
def evidence_package(ctx: Any) -> dict[str, Any]:
    """A package of one large item (``HIMOYA_BENCH_EVIDENCE_MB``, default 200): the
    service's build into a hash (in its transaction) and the response's second build,
    each timed, with the process's peak resident memory over the start, against
    ``hashlib.sha256`` of the plaintext read from disk (the least any package costs)."""
    from himoya.accounts.models import User
    from himoya.documentation import services as documentation
    from himoya.documentation.models import Consent, ConsentKind
    from himoya.evidence import services
    from himoya.evidence.package import Recipient
    from himoya.evidence.package import evidence_package as make_package
    from himoya.reference.models import Partner

    size = int(os.environ.get("HIMOYA_BENCH_EVIDENCE_MB", "200")) * 1_000_000
    case, _token = _case_and_token()
    lawyer = User.objects.get(email="bench-evidence@bench.invalid")
    partner, _ = Partner.objects.get_or_create(
        organisation_id=case.organisation_id, name="Прокуратура (бенчмарк)"
    )
    victim = documentation.victims(case)[0]
    if not Consent.objects.filter(case=case, partner=partner, revoked_at__isnull=True).exists():
        documentation.consent_record(
            actor=lawyer,
            case=case,
            person=victim,
            kind=ConsentKind.SHARING,
            given_on=case.opened_on,
            partner=partner,
        )
    with tempfile.TemporaryDirectory(prefix="himoya-bench-") as tmp:
        path = Path(tmp) / "video.mp4"
        _fictional_file(path, size)
        with open(path, "rb") as source:
            item = services.evidence_receive(actor=lawyer, case=case, source=source)
        started = time.perf_counter()
        digest = hashlib.sha256()
        with open(path, "rb") as source:
            while piece := source.read(1 << 20):
                digest.update(piece)
        baseline = time.perf_counter() - started
    before = _rss_kib("VmRSS")
    reset = _reset_peak()
    tracemalloc.start()
    started = time.perf_counter()
    made = make_package(
        actor=lawyer,
        case=case,
        chosen=[item],
        recipient=Recipient(partner=partner),
        purpose="prosecutor",
        language="ru",
    )
    first = time.perf_counter() - started
    started = time.perf_counter()
    sent = 0
    for piece in made.stream():
        sent += len(piece)
    second = time.perf_counter() - started
    py_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    peak = _rss_kib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert sent == made.size
    return {
        "evidence_package": {
            "file_mb": size / 1e6,
            "build_and_log_s": round(first, 2),
            "stream_s": round(second, 2),
            "stream_mb_s": round(size / 1e6 / second, 1),
            "sha256_only_s": round(baseline, 2),
            "ratio_both_builds_to_sha256": round((first + second) / baseline, 2),
            "rss_peak_over_start_mb": round((peak - before) / 1024, 1),
            # Python's own allocations over both builds (traced, so the times above
            # include tracemalloc's overhead).
            "python_peak_mb": round(py_peak / 1e6, 1),
        }
    }
