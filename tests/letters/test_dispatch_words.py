"""The dispatch of a letter has its own words (msgctxt "letter dispatch"): its channel is
how the letter went out, not the channel an appeal came in by."""

from __future__ import annotations

import pytest
from django.utils import translation

from himoya.cases.models import Appeal
from himoya.letters.forms import DispatchForm
from himoya.letters.models import Channel, Letter, Recipient
from himoya.letters.staff_forms import RecipientForm

WORDS = {
    "ru": ("способ отправки", "канал поступления", "почтой"),
    "kk": ("жіберу тәсілі", None, "поштамен"),
    "tg": ("тарзи фиристодан", None, "тавассути почта"),
}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_dispatch_channel_is_not_the_appeals_channel(language):
    dispatch, appeal, post = WORDS[language]
    with translation.override(language):
        form = DispatchForm()
        label = str(form.fields["channel"].label)
        assert label == dispatch
        assert str(Letter._meta.get_field("channel").verbose_name) == dispatch
        assert str(Recipient._meta.get_field("channel").verbose_name) == dispatch
        assert str(RecipientForm.base_fields["channel"].label) == dispatch
        assert label != str(Appeal._meta.get_field("channel").verbose_name)
        if appeal:
            assert str(Appeal._meta.get_field("channel").verbose_name) == appeal
        assert str(Channel.POST.label) == post
        assert dict(form.fields["channel"].choices)["post"] == post
