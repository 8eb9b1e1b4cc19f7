import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_user():
    return User.objects.create_user("clerk9", password="correct-horse-9")


def test_login_with_right_password(client, staff_user):
    response = client.post("/login/", {"username": "clerk9", "password": "correct-horse-9"})
    assert response.status_code == 302


def test_wrong_password_says_so_in_chinese(client, staff_user):
    response = client.post("/login/", {"username": "clerk9", "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, staff_user):
    for _ in range(5):
        client.post("/login/", {"username": "clerk9", "password": "nope"})
    response = client.post("/login/", {"username": "clerk9", "password": "correct-horse-9"})
    assert response.status_code == 200
    assert "账号已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
