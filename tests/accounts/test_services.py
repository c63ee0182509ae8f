"""ACC-1..6 at the service level: outcomes, clear refusals, and nothing changed on refusal."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp

from openchorus.accounts import services
from openchorus.accounts.enums import AccountStatus, SecretQuestion
from openchorus.accounts.models import User
from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType
from openchorus.notifications.models import FeedEvent
from tests.factories import PASSWORD, SECRET_ANSWER, UserFactory

# transaction=True: e-mails are queued on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)
STRONG = "Tartiflette-2026!"


def sign_up(**overrides):
    data = {
        "email": "Manuela.Martin@Delices-de-Savoie.fr",
        "identifier_type": IdentifierType.SIRET,
        "identifier": "731 500 013 00016",
        "first_name": "Manuela",
        "last_name": "Martin",
    }
    return services.user_sign_up(**{**data, **overrides})


def activation_token_from_mail() -> str:
    return re.search(r"/activation/([^/\s]+)/", mail.outbox[-1].body).group(1)


def test_user_sign_up_valid_siret_creates_pending_account_and_sends_link():
    user = sign_up()
    assert user.status == AccountStatus.PENDING
    assert user.email == "manuela.martin@delices-de-savoie.fr"
    assert user.signup_identifier == "73150001300016"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["manuela.martin@delices-de-savoie.fr"]
    assert "/activation/" in mail.outbox[0].body


def test_user_sign_up_bad_siret_checksum_refused_and_nothing_created():
    with pytest.raises(ApplicationError) as error:
        sign_up(identifier="73150001300017")
    assert "clé de contrôle" in str(error.value.message)
    assert not User.objects.exists()
    assert mail.outbox == []


def test_user_sign_up_login_email_already_used_refused_whatever_the_case():
    UserFactory(email="manuela.martin@delices-de-savoie.fr")
    with pytest.raises(ApplicationError) as error:
        sign_up(email="MANUELA.martin@delices-de-savoie.FR")
    assert error.value.field == "email"
    assert "déjà l'identifiant d'un compte" in str(error.value.message)
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_user_sign_up_without_siret_takes_other_identifier_types():
    user = sign_up(identifier_type=IdentifierType.EU_OUTSIDE_FRANCE, identifier="DE123456788")
    assert user.signup_identifier_type == IdentifierType.EU_OUTSIDE_FRANCE
    assert user.signup_identifier == "DE123456788"


def test_user_activate_sets_password_secret_and_activates():
    sign_up()
    user = services.user_activate(
        token=activation_token_from_mail(),
        password=STRONG,
        password_confirmation=STRONG,
        secret_question=SecretQuestion.BIRTH_CITY,
        secret_answer="  Chambéry ",
    )
    user.refresh_from_db()
    assert user.status == AccountStatus.ACTIVE
    assert user.check_password(STRONG)
    assert user.secret_answer != "Chambéry" and user.secret_answer.startswith("md5$")
    assert FeedEvent.objects.filter(user=user, kind="COMPTE_ACTIVE").exists()


@pytest.mark.parametrize(
    ("password", "confirmation", "message"),
    [
        ("short-1A", "short-1A", "12"),
        ("alllowercaseletters", "alllowercaseletters", "trois types"),
        ("123456789012345", "123456789012345", "numérique"),
        (STRONG, STRONG + "x", "pas identiques"),
    ],
)
def test_user_activate_weak_password_refused_and_account_stays_pending(password, confirmation, message):
    sign_up()
    token = activation_token_from_mail()
    with pytest.raises(ApplicationError) as error:
        services.user_activate(
            token=token,
            password=password,
            password_confirmation=confirmation,
            secret_question=SecretQuestion.BIRTH_CITY,
            secret_answer="Chambéry",
        )
    assert message in str(error.value.message) or message in str(error.value)
    user = User.objects.get()
    assert user.status == AccountStatus.PENDING
    assert not user.has_usable_password()


def test_activation_link_expired_after_48_hours_refused():
    sign_up()
    token = activation_token_from_mail()
    with time_machine.travel(timezone.now() + timedelta(hours=49)), pytest.raises(ApplicationError) as error:
        services.activation_user_from_token(token=token)
    assert error.value.extra["code"] == "expired"
    assert "expiré" in str(error.value.message)
    assert User.objects.get().status == AccountStatus.PENDING


def test_activation_link_tampered_refused():
    sign_up()
    token = activation_token_from_mail()
    with pytest.raises(ApplicationError) as error:
        services.activation_user_from_token(
            token=token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
        )
    assert error.value.extra["code"] == "invalid"


def test_activation_link_used_twice_refused_second_time():
    sign_up()
    token = activation_token_from_mail()
    kwargs = {"password": STRONG, "password_confirmation": STRONG, "secret_question": "ECOLE_PRIMAIRE"}
    services.user_activate(token=token, secret_answer="Jules Ferry", **kwargs)
    with pytest.raises(ApplicationError) as error:
        services.user_activate(token=token, secret_answer="autre", **kwargs)
    assert error.value.extra["code"] == "used"


def test_activation_link_resend_pending_account_sends_new_mail():
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        sign_up()
    services.activation_link_resend(email="manuela.martin@delices-de-savoie.fr")
    assert len(mail.outbox) == 2


def test_activation_link_resend_twice_within_a_minute_refused():
    sign_up()
    with pytest.raises(ApplicationError, match="Attendez une minute"):
        services.activation_link_resend(email="manuela.martin@delices-de-savoie.fr")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("trait", "message"), [({}, "déjà activé"), ({"deactivated": True}, "désactivé")])
def test_activation_link_resend_non_pending_account_explains(trait, message):
    UserFactory(email="pierre@example.fr", **trait)
    with pytest.raises(ApplicationError, match=message):
        services.activation_link_resend(email="pierre@example.fr")
    assert mail.outbox == []


def reset_params(user):
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


def test_password_reset_right_answer_sets_new_password():
    user = UserFactory()
    services.password_reset_request(email=user.email.upper())
    assert "/mot-de-passe/" in mail.outbox[0].body
    services.password_reset_complete(
        **reset_params(user), secret_answer="chambery", password=STRONG, password_confirmation=STRONG
    )
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_password_reset_wrong_secret_answer_refused_counted_and_password_unchanged():
    user = UserFactory()
    params = reset_params(user)
    with pytest.raises(ApplicationError) as error:
        services.password_reset_complete(
            **params, secret_answer="Annecy", password=STRONG, password_confirmation=STRONG
        )
    assert error.value.field == "secret_answer"
    assert "Essais restants : 4" in str(error.value.message)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.secret_answer_failures == 1


def test_password_reset_locked_after_five_wrong_answers_even_with_right_one():
    user = UserFactory()
    params = reset_params(user)
    for _ in range(5):
        with pytest.raises(ApplicationError):
            services.password_reset_complete(
                **params, secret_answer="faux", password=STRONG, password_confirmation=STRONG
            )
    with pytest.raises(ApplicationError, match="Trop de réponses incorrectes"):
        services.password_reset_complete(
            **params, secret_answer=SECRET_ANSWER, password=STRONG, password_confirmation=STRONG
        )
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_link_single_use():
    user = UserFactory()
    params = reset_params(user)
    services.password_reset_complete(
        **params, secret_answer=SECRET_ANSWER, password=STRONG, password_confirmation=STRONG
    )
    with pytest.raises(ApplicationError, match="plus valable"):
        services.password_reset_user(**params)


def test_password_reset_request_unknown_address_sends_nothing():
    services.password_reset_request(email="nobody@example.fr")
    assert mail.outbox == []


def test_user_password_change_wrong_current_password_refused():
    user = UserFactory()
    with pytest.raises(ApplicationError) as error:
        services.user_password_change(
            user=user, current_password="wrong", password=STRONG, password_confirmation=STRONG
        )
    assert error.value.field == "current_password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_user_profile_update_saves_contact_email_distinct_from_login():
    user = UserFactory(email="login@example.fr")
    services.user_profile_update(
        user=user,
        first_name="Manuela",
        last_name="Martin",
        contact_email="compta@example.fr",
        phone="04 79 00 00 00",
        mobile_phone="",
        language="en",
        activity_notifications=True,
    )
    user.refresh_from_db()
    assert (user.email, user.notification_email, user.language) == (
        "login@example.fr",
        "compta@example.fr",
        "en",
    )
    assert user.activity_notifications is True


def test_user_profile_update_bad_contact_email_refused_and_unchanged():
    user = UserFactory(contact_email="ok@example.fr")
    with pytest.raises(ApplicationError) as error:
        services.user_profile_update(
            user=user,
            first_name="M",
            last_name="M",
            contact_email="not-an-email",
            phone="",
            mobile_phone="",
            language="fr",
            activity_notifications=False,
        )
    assert error.value.field == "contact_email"
    assert User.objects.get(pk=user.pk).contact_email == "ok@example.fr"


def test_user_secret_change_then_reset_needs_new_answer():
    user = UserFactory()
    services.user_secret_change(
        user=user, current_password=PASSWORD, secret_question=SecretQuestion.FIRST_PET, secret_answer="Médor"
    )
    with pytest.raises(ApplicationError):
        services.password_reset_complete(
            **reset_params(user), secret_answer=SECRET_ANSWER, password=STRONG, password_confirmation=STRONG
        )
    services.password_reset_complete(
        **reset_params(user), secret_answer="MEDOR", password=STRONG, password_confirmation=STRONG
    )


def test_totp_setup_confirm_with_right_code_enables_second_factor():
    user = UserFactory()
    device = services.totp_setup_start(user=user)
    with pytest.raises(ApplicationError):
        services.totp_setup_confirm(user=user, token="000000" if totp(device.bin_key) != 0 else "111111")
    services.totp_setup_confirm(user=user, token=f"{totp(device.bin_key):06d}")
    assert services.totp_device_for(user=user) is not None


def test_user_deactivate_blocks_authentication(rf):
    from django.contrib.auth import authenticate

    user = UserFactory(email="leaving@example.fr")
    assert authenticate(rf.post("/connexion/"), email="leaving@example.fr", password=PASSWORD) is not None
    services.user_deactivate(user=user, current_password=PASSWORD)
    user.refresh_from_db()
    assert user.status == AccountStatus.DEACTIVATED
    assert authenticate(rf.post("/connexion/"), email="leaving@example.fr", password=PASSWORD) is None


def test_user_deactivate_wrong_password_refused_and_account_stays_active():
    user = UserFactory()
    with pytest.raises(ApplicationError):
        services.user_deactivate(user=user, current_password="nope")
    user.refresh_from_db()
    assert user.status == AccountStatus.ACTIVE
