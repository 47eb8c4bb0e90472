"""The ``himoya`` console command: the project's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # Hyphenated spellings (``himoya verify-audit``) map to Django command names.
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if argv[1:2] == ["generate_keys"]:
        # Runs without loading the settings: production refuses to load them until the
        # keys exist, and this is the command that makes them.
        from himoya.core.management.commands.generate_keys import Command

        Command().run_from_argv(argv)
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
