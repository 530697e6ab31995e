"""The ``kc`` template filters."""

from django.template import Context, Template

from khuyencong.accounts.models import User


def render(text: str, **context) -> str:
    return Template("{% load kc %}" + text).render(Context(context))


def test_person_names_a_user_and_survives_a_deleted_one():
    named = User(username="giamdoc", first_name="Thị Hoa", last_name="Trần")
    assert render("{{ u|person }}", u=named) == named.get_full_name()
    assert render("{{ u|person }}", u=User(username="canbo")) == "canbo"
    # A step whose user was deleted (SET_NULL) still renders; the old
    # ``get_full_name|default:user.username`` raised on it.
    assert render("{{ t.actor|person }}", t={"actor": None}) == "—"
