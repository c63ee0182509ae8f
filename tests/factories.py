"""Factories shared by the tests, with traits for the usual account states."""

from __future__ import annotations

import factory
from django.utils import timezone

from openchorus.accounts.enums import AccountStatus, SecretQuestion
from openchorus.accounts.models import User

PASSWORD = "Correct-Horse-42!"
SECRET_ANSWER = "Chambéry"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    first_name = "Manuela"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    status = AccountStatus.ACTIVE
    activated_at = factory.LazyFunction(timezone.now)
    signup_identifier = "73150001300016"
    secret_question = SecretQuestion.BIRTH_CITY

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        from django.contrib.auth.hashers import make_password

        from openchorus.accounts.services import secret_answer_normalize

        self.secret_answer = make_password(secret_answer_normalize(SECRET_ANSWER))
        if create:
            self.save()

    class Params:
        pending = factory.Trait(status=AccountStatus.PENDING, activated_at=None)
        deactivated = factory.Trait(status=AccountStatus.DEACTIVATED)
