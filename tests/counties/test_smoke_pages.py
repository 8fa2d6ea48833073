"""Each role lands on its home page; anonymous users are sent to the login page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_county_staff_lands_on_their_county(client_for, county_staff):
    response = client_for(county_staff).get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.context["county"].code == "150121"
