"""allauth's own strings that staff meet, for our catalogues.

allauth ships no Kazakh or Tajik catalogue. Our sign-in and security templates
(himoya/templates/account/, mfa/, allauth/) use our own wording, which makemessages finds
there; what remains is text that allauth produces itself: form labels, placeholders and
help texts, validation errors, the flash messages of its message templates, and the
reauthentication choices. Listing them here with ``gettext_noop`` makes ``make
makemessages`` copy them into himoya/locale, where Kazakh and Tajik get translated (Russian
and English come from allauth itself unless we translate them too).

Every msgid is spelt exactly as allauth has it (tests/accounts/test_auth_flows.py checks
them against allauth's catalogue): a changed spelling would silently stop matching. Keep the list to
what staff can actually see with our settings (e-mail login, no sign-up, TOTP and recovery
codes, no e-mail notifications).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

STRINGS: tuple[str, ...] = (
    # Form labels and placeholders (allauth.account.fields, .forms; allauth.mfa forms).
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Code"),
    gettext_noop("Authenticator code"),
    # Validation errors (adapters' error_messages and forms).
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Incorrect code."),
    gettext_noop("Incorrect password."),
    gettext_noop("Please type your current password."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("You must type the same password each time."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    # The page shown to a deactivated account (also in our account_inactive.html).
    gettext_noop("This account is inactive."),
    # Reauthentication choices (DefaultAccountAdapter.get_reauthentication_methods).
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
    # Flash messages (templates/account/messages/, templates/mfa/messages/).
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Authenticator app activated."),
    gettext_noop("A new set of recovery codes has been generated."),
    # Only with MFA_RECOVERY_CODES_SHOW_ONCE = True (the two spaces are allauth's).
    gettext_noop("Save them  in a secure location now — they won't be shown again."),
    gettext_noop("Password successfully changed."),
)
