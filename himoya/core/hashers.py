from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2Hasher(Argon2PasswordHasher):
    """Argon2 with the smallest cost; used only when HIMOYA_ENV=test."""

    algorithm = "argon2"
    time_cost = 1
    memory_cost = 256
    parallelism = 1
