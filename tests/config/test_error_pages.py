"""Error pages: in the portal's layout, in Chinese, with the navigation and a way back home."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from config import urls as project_urls
from config import views

pytestmark = pytest.mark.django_db


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    *project_urls.urlpatterns,
    path("test-forbidden/", _forbidden),
    path("test-broken/", _broken),
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


@pytest.fixture
def error_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def test_404_is_a_chinese_page_with_navigation(error_urls, client_for, county_staff):
    response = client_for(county_staff).get("/counties/150203/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and 'class="navbar' in text and "返回首页" in text
    assert "mainnav" in text  # the signed-in navigation, not a bare page


def test_403_is_a_chinese_page_with_a_way_back(error_urls, client_for, county_staff):
    response = client_for(county_staff).get("/test-forbidden/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode() and 'href="/"' in response.content.decode()


def test_500_is_a_chinese_page_in_the_layout(error_urls, county_staff):
    client = Client(raise_request_exception=False)
    client.force_login(county_staff)
    response = client.get("/test-broken/")
    assert response.status_code == 500
    assert "出错了" in response.content.decode() and 'class="navbar' in response.content.decode()


def test_error_page_falls_back_to_plain_html_when_the_layout_fails(rf, monkeypatch):
    def failing_render(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "render", failing_render)
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500 and "出错了" in response.content.decode()


def test_english_error_page(error_urls, client_for, county_staff):
    client = client_for(county_staff)
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
