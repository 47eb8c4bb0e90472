from typing import Any

from django.db import migrations, transaction

from himoya.core import crypto

# As himoya.accounts.mfa_secrets knows them when this migration was written.
CONTEXT = "mfa.authenticator.secret"
SECRET_KEYS = ("secret", "seed", "migrated_codes")


def _rebound(token: Any, row: str) -> Any:
    if not isinstance(token, str) or crypto.token_version(token) == crypto.ROW_PREFIX:
        return token
    return crypto.encrypt(crypto.decrypt(token, context=CONTEXT), context=CONTEXT, row=row)


def bind_secrets(apps: Any, schema_editor: Any) -> None:
    """Every two-factor secret stored bound to its column only (hm1) is sealed again bound
    to its row, its user and type; one locked row at a time. Needs the data keys."""
    authenticator = apps.get_model("mfa", "Authenticator")
    for pk in authenticator.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            item = authenticator.objects.select_for_update().get(pk=pk)
            if not isinstance(item.data, dict):
                continue
            row = f"user={item.user_id};type={item.type}"
            data = dict(item.data)
            for key in SECRET_KEYS:
                value = data.get(key)
                if isinstance(value, list):
                    data[key] = [_rebound(v, row) for v in value]
                elif value is not None:
                    data[key] = _rebound(value, row)
            if data != item.data:
                authenticator.objects.filter(pk=pk).update(data=data)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_change_request"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    atomic = False  # a transaction per row

    operations = [
        migrations.RunPython(bind_secrets, migrations.RunPython.noop, elidable=False),
    ]
