import pytest

pytestmark = pytest.mark.django_db


def test_public_home_is_open_and_russian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert "Content-Security-Policy" in response


def test_staff_home_redirects_anonymous_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/accounts/login/")
