"""Body diagrams: front, back and both sides, drawn from one set of outlines.

The outlines are data (ellipses and polygons in a 200 x 440 box per view), so the same
drawing becomes inline SVG on the evaluation page and in the PDF report, and a PNG
(Pillow) in the DOCX report, with no drawing tool on the server and nothing loaded from
elsewhere. Each outline names the body region it shows, so a click on the diagram can
also choose the region in the finding form.

Conventions: the front view faces the reader, so the person's right side is on the
reader's left; the back view shows the person's left on the reader's left. A side view
shows the person facing away from the middle of the page: the left side faces left.
A finding's mark is stored as fractions of the box (``Finding.x``, ``Finding.y``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from himoya.documentation.models import BodyRegion, DiagramView

WIDTH = 200
HEIGHT = 440
VIEWS = tuple(DiagramView.values)  # front, back, left, right


@dataclass(frozen=True)
class Shape:
    region: str
    # An ellipse is (cx, cy, rx, ry); a polygon is its points.
    ellipse: tuple[float, float, float, float] | None = None
    points: tuple[tuple[float, float], ...] = ()

    @property
    def svg_points(self) -> str:
        return " ".join(f"{x:g},{y:g}" for x, y in self.points)

    def mirrored(self, region: str) -> Shape:
        if self.ellipse is not None:
            cx, cy, rx, ry = self.ellipse
            return Shape(region, ellipse=(WIDTH - cx, cy, rx, ry))
        return Shape(region, points=tuple((WIDTH - x, y) for x, y in self.points))


@dataclass(frozen=True)
class Mark:
    number: int
    view: str
    x: float
    y: float


_SWAP = {
    BodyRegion.ARM_LEFT: BodyRegion.ARM_RIGHT,
    BodyRegion.ARM_RIGHT: BodyRegion.ARM_LEFT,
    BodyRegion.HAND_LEFT: BodyRegion.HAND_RIGHT,
    BodyRegion.HAND_RIGHT: BodyRegion.HAND_LEFT,
    BodyRegion.LEG_LEFT: BodyRegion.LEG_RIGHT,
    BodyRegion.LEG_RIGHT: BodyRegion.LEG_LEFT,
    BodyRegion.FOOT_LEFT: BodyRegion.FOOT_RIGHT,
    BodyRegion.FOOT_RIGHT: BodyRegion.FOOT_LEFT,
}


def _swap(region: str) -> str:
    return str(_SWAP.get(region, region))  # type: ignore[call-overload]


def _p(*points: tuple[float, float]) -> tuple[tuple[float, float], ...]:
    return points


# The half of the body on the reader's left, front view (the person's right side).
_ARM = _p((62, 86), (50, 94), (42, 130), (36, 172), (28, 236), (42, 238), (52, 176), (60, 136))
_LEG = _p((66, 252), (100, 258), (97, 300), (94, 340), (92, 402), (74, 402), (70, 340), (68, 300))
_HAND = (35.0, 252.0, 9.0, 15.0)
_FOOT = (82.0, 414.0, 13.0, 10.0)


def _front_or_back(front: bool) -> tuple[Shape, ...]:
    # The reader's left is the person's right on the front view, their left on the back.
    arm, hand, leg, foot = (
        (BodyRegion.ARM_RIGHT, BodyRegion.HAND_RIGHT, BodyRegion.LEG_RIGHT, BodyRegion.FOOT_RIGHT)
        if front
        else (BodyRegion.ARM_LEFT, BodyRegion.HAND_LEFT, BodyRegion.LEG_LEFT, BodyRegion.FOOT_LEFT)
    )
    half = (
        Shape(arm, points=_ARM),
        Shape(hand, ellipse=_HAND),
        Shape(leg, points=_LEG),
        Shape(foot, ellipse=_FOOT),
    )
    upper = BodyRegion.CHEST if front else BodyRegion.BACK
    lower = BodyRegion.ABDOMEN if front else BodyRegion.BACK
    pelvis = BodyRegion.GENITALS if front else BodyRegion.BUTTOCKS
    return (
        *half,
        *(s.mirrored(_swap(s.region)) for s in half),
        Shape(BodyRegion.NECK, points=_p((90, 62), (110, 62), (112, 84), (88, 84))),
        Shape(upper, points=_p((62, 84), (138, 84), (134, 160), (66, 160))),
        Shape(lower, points=_p((66, 160), (134, 160), (137, 222), (63, 222))),
        Shape(pelvis, points=_p((63, 222), (137, 222), (134, 252), (100, 260), (66, 252))),
        Shape(BodyRegion.HEAD, ellipse=(100, 36, 22, 28)),
    )


def _left_side() -> tuple[Shape, ...]:
    # Facing the reader's left: the front of the body is the smaller x.
    return (
        Shape(BodyRegion.HEAD, ellipse=(100, 36, 20, 27)),
        Shape(BodyRegion.NECK, points=_p((92, 60), (110, 60), (112, 84), (90, 84))),
        Shape(BodyRegion.CHEST, points=_p((80, 84), (101, 84), (101, 160), (76, 160))),
        Shape(BodyRegion.BACK, points=_p((101, 84), (120, 84), (125, 160), (101, 160))),
        Shape(BodyRegion.ABDOMEN, points=_p((76, 160), (101, 160), (101, 252), (80, 252))),
        Shape(BodyRegion.BACK, points=_p((101, 160), (125, 160), (118, 214), (101, 214))),
        Shape(BodyRegion.BUTTOCKS, points=_p((101, 214), (118, 214), (126, 252), (101, 252))),
        Shape(
            BodyRegion.LEG_LEFT,
            points=_p((80, 252), (126, 252), (116, 330), (112, 402), (92, 402), (88, 330)),
        ),
        Shape(
            BodyRegion.FOOT_LEFT, points=_p((92, 402), (114, 402), (114, 422), (72, 422), (74, 410))
        ),
        Shape(
            BodyRegion.ARM_LEFT,
            points=_p((93, 88), (111, 88), (112, 170), (108, 236), (95, 236), (96, 170)),
        ),
        Shape(BodyRegion.HAND_LEFT, ellipse=(101, 250, 8, 15)),
    )


def shapes(view: str) -> tuple[Shape, ...]:
    if view == DiagramView.FRONT:
        return _front_or_back(front=True)
    if view == DiagramView.BACK:
        return _front_or_back(front=False)
    if view == DiagramView.LEFT:
        return _left_side()
    if view == DiagramView.RIGHT:
        return tuple(s.mirrored(_swap(s.region)) for s in _left_side())
    raise ValueError(f"unknown view {view!r}")


def marks(findings: Iterable[object]) -> list[Mark]:
    """The marks of ``findings`` numbered as the report and the page list them (1, 2,
    ... in the order given, counting the findings without a mark too)."""
    found = []
    for number, f in enumerate(findings, start=1):
        x, y, view = getattr(f, "x", None), getattr(f, "y", None), getattr(f, "view", "")
        if x is not None and y is not None and view:
            found.append(Mark(number, view, x, y))
    return found


@dataclass(frozen=True)
class Diagram:
    """One view with its marks, in the drawing's own units (what the templates draw)."""

    view: str
    label: str
    shapes: tuple[Shape, ...]
    marks: tuple[tuple[int, float, float], ...]  # number, cx, cy
    width: int = WIDTH
    height: int = HEIGHT


def diagrams(all_marks: Sequence[Mark]) -> list[Diagram]:
    return [
        Diagram(
            view=view,
            label=str(DiagramView(view).label),
            shapes=shapes(view),
            marks=tuple(
                (m.number, round(m.x * WIDTH, 1), round(m.y * HEIGHT, 1))
                for m in all_marks
                if m.view == view
            ),
        )
        for view in VIEWS
    ]


FILL = (236, 236, 236)
OUTLINE = (90, 90, 90)
MARK = (190, 20, 40)


def png(all_marks: Sequence[Mark], *, scale: int = 2) -> bytes:
    """The four views side by side as one PNG (for documents that take no SVG)."""
    from PIL import Image, ImageDraw, ImageFont

    gap = 10
    image = Image.new("RGB", ((WIDTH * 4 + gap * 3) * scale, HEIGHT * scale), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=9 * scale)
    for index, diagram in enumerate(diagrams(all_marks)):
        left = index * (WIDTH + gap)

        def at(x: float, y: float, left: int = left) -> tuple[float, float]:
            return ((left + x) * scale, y * scale)

        for shape in diagram.shapes:
            if shape.ellipse is not None:
                cx, cy, rx, ry = shape.ellipse
                box = (*at(cx - rx, cy - ry), *at(cx + rx, cy + ry))
                draw.ellipse(box, fill=FILL, outline=OUTLINE, width=scale)
            else:
                draw.polygon(
                    [at(x, y) for x, y in shape.points], fill=FILL, outline=OUTLINE, width=scale
                )
        for number, cx, cy in diagram.marks:
            r = 7
            draw.ellipse((*at(cx - r, cy - r), *at(cx + r, cy + r)), fill=MARK)
            draw.text(at(cx, cy), str(number), fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
