# The documented case's world (a case, its victim, its lawyer, the coordinator, outsiders)
# serves the stories' tests as it serves documentation's.
from tests.documentation.conftest import staff  # noqa: F401
