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
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)
        if create:
            self.save()
