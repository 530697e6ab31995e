from typing import Any

import factory

from khuyencong.accounts.models import User
from khuyencong.core.roles import Role

PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105  (test and demo fixtures only)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Văn"
    last_name = factory.Sequence(lambda n: f"Nguyễn {n}")
    role = Role.PROVINCIAL_OFFICER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    # factory_boy calls it with the built user (not the factory) as the first argument.
    def communes(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.communes.set(extracted)
        if create:
            obj.save()
