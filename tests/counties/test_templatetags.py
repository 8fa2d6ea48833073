from counties.templatetags.portal import user_display
from tests import factories


def test_user_display_prefers_the_full_name_and_survives_a_missing_user(db):
    assert user_display(None) == "—"
    assert user_display(factories.UserFactory(username="wang")) == "wang"
    assert user_display(factories.UserFactory(username="li", first_name="李明")) == "李明"
