"""Writes of the accounts app (ACC-1..6). Views, commands and the API call these, nothing else.

Every refusal is an `ApplicationError` naming the field and the fix; a refused call changes nothing.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from openchorus.accounts.enums import AccountStatus, Language, SecretQuestion
from openchorus.accounts.models import User, normalize_login_email
from openchorus.core.errors import ApplicationError
from openchorus.core.identifiers import IdentifierType, identifier_validate
from openchorus.core.tasks import email_send_on_commit
from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.services import feed_event_add

ACTIVATION_SALT = "openchorus.accounts.activation"
RESEND_MIN_INTERVAL = timedelta(minutes=1)
SECRET_ANSWER_LOCK = timedelta(hours=24)


# --- E-mails ---------------------------------------------------------------------------------


def _email_user(*, user: User, template: str, to: str | None = None, **context) -> None:
    """Render `accounts/email/<template>.txt` in the user's language and queue it."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_title": settings.SITE_TITLE, **context}
        subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"accounts/email/{template}.txt", context)
    email_send_on_commit(to=[to or user.email], subject=subject, body=body)


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


# --- Sign-up and activation (ACC-1, ACC-2, ACC-3) -----------------------------------------------


def email_must_be_free(email: str) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise ApplicationError(
            _(
                "L'adresse %(email)s est déjà l'identifiant d'un compte. Connectez-vous, ou utilisez "
                "« Mot de passe oublié ? » ou « Renvoyer le lien d'activation »."
            )
            % {"email": email},
            field="email",
        )


@transaction.atomic
def user_sign_up(
    *,
    email: str,
    identifier_type: str,
    identifier: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    language: str = Language.FRENCH,
) -> User:
    """Create an inactive account and send its activation link."""
    email = normalize_login_email(email)
    email_must_be_free(email)
    identifier = identifier_validate(identifier_type, identifier)
    if not first_name.strip() or not last_name.strip():
        raise ApplicationError(_("Le nom et le prénom sont obligatoires."), field="last_name")
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone.strip(),
        language=language if language in Language.values else Language.FRENCH,
        signup_identifier_type=identifier_type,
        signup_identifier=identifier,
        status=AccountStatus.PENDING,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    activation_link_send(user=user)
    return user


def activation_token_make(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=ACTIVATION_SALT, compress=True)


def activation_user_from_token(*, token: str) -> User:
    """The pending user a link belongs to; a clear refusal for expired, tampered or used links."""
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT, max_age=settings.ACTIVATION_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ApplicationError(
            _(
                "Ce lien d'activation a expiré (il est valable %(hours)d heures). "
                "Demandez un nouveau lien avec « Renvoyer le lien d'activation »."
            )
            % {"hours": settings.ACTIVATION_LINK_MAX_AGE // 3600},
            extra={"code": "expired"},
        ) from None
    except signing.BadSignature:
        raise ApplicationError(
            _(
                "Ce lien d'activation n'est pas valide : il a été modifié ou mal copié. Ouvrez le lien "
                "complet reçu par e-mail, ou demandez-en un nouveau."
            ),
            extra={"code": "invalid"},
        ) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ApplicationError(
            _("Ce lien d'activation ne correspond à aucun compte."), extra={"code": "invalid"}
        )
    if user.status != AccountStatus.PENDING:
        raise ApplicationError(
            _("Ce compte est déjà activé : connectez-vous avec votre adresse et votre mot de passe."),
            extra={"code": "used"},
        )
    return user


def activation_link_send(*, user: User) -> None:
    link = _absolute(reverse("portal:activate", kwargs={"token": activation_token_make(user=user)}))
    user.activation_sent_at = timezone.now()
    user.save(update_fields=["activation_sent_at"])
    _email_user(user=user, template="activation", link=link, hours=settings.ACTIVATION_LINK_MAX_AGE // 3600)


@transaction.atomic
def activation_link_resend(*, email: str) -> User:
    """ACC-3: send the link again to the login address of a pending account."""
    user = User.objects.select_for_update().filter(email=normalize_login_email(email)).first()
    if user is None:
        raise ApplicationError(
            _("Aucun compte n'utilise l'adresse %(email)s. Vérifiez-la, ou créez votre compte.")
            % {"email": email},
            field="email",
        )
    if user.status == AccountStatus.ACTIVE:
        raise ApplicationError(
            _("Ce compte est déjà activé : connectez-vous, ou utilisez « Mot de passe oublié ? »."),
            field="email",
        )
    if user.status == AccountStatus.DEACTIVATED:
        raise ApplicationError(
            _("Ce compte a été désactivé. Pour le réactiver, contactez le support."), field="email"
        )
    if user.activation_sent_at and timezone.now() - user.activation_sent_at < RESEND_MIN_INTERVAL:
        raise ApplicationError(
            _("Un lien vient de vous être envoyé. Attendez une minute avant d'en demander un autre."),
            field="email",
        )
    activation_link_send(user=user)
    return user


def secret_answer_normalize(answer: str) -> str:
    """Secret answers are compared without case, accents or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", answer.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _password_check(*, user: User, password: str, confirmation: str | None, field: str = "password") -> None:
    if confirmation is not None and password != confirmation:
        raise ApplicationError(
            _("Les deux mots de passe ne sont pas identiques."), field=f"{field}_confirmation"
        )
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field=field) from None


def _secret_check(question: str, answer: str) -> str:
    if question not in SecretQuestion.values:
        raise ApplicationError(_("Choisissez une question secrète dans la liste."), field="secret_question")
    normalized = secret_answer_normalize(answer)
    if len(normalized) < 2:
        raise ApplicationError(
            _("La réponse à la question secrète doit comporter au moins 2 caractères."), field="secret_answer"
        )
    return make_password(normalized)


@transaction.atomic
def user_activate(
    *, token: str, password: str, password_confirmation: str, secret_question: str, secret_answer: str
) -> User:
    """ACC-2: choose the password and the secret question; the account becomes active."""
    user = activation_user_from_token(token=token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.status != AccountStatus.PENDING:
        raise ApplicationError(_("Ce compte est déjà activé : connectez-vous."), extra={"code": "used"})
    _password_check(user=user, password=password, confirmation=password_confirmation)
    hashed_answer = _secret_check(secret_question, secret_answer)
    user.set_password(password)
    user.secret_question = secret_question
    user.secret_answer = hashed_answer
    user.status = AccountStatus.ACTIVE
    user.activated_at = timezone.now()
    user.save()
    feed_event_add(user=user, kind=FeedEventKind.ACCOUNT_ACTIVATED)
    # ACC-8: signed up with the identifier of an existing structure → a pending attachment request.
    from openchorus.structures.services.memberships import membership_request_on_signup

    membership_request_on_signup(user=user)
    return user


# --- Login (ACC-4) -----------------------------------------------------------------------------


def user_record_login(*, user: User) -> None:
    """Keep the previous login for "Dernière connexion le …" before Django overwrites last_login."""
    User.objects.filter(pk=user.pk).update(previous_login=user.last_login)
    user.previous_login = user.last_login


def login_refusal_reason(*, email: str) -> ApplicationError:
    """The clear message for a failed login: a pending or deactivated account says so."""
    user = User.objects.filter(email=normalize_login_email(email)).first()
    if user is not None and user.status == AccountStatus.PENDING:
        return ApplicationError(
            _(
                "Ce compte n'est pas encore activé : suivez le lien reçu par e-mail, "
                "ou demandez un nouveau lien d'activation."
            ),
            extra={"code": "pending"},
        )
    return ApplicationError(
        _("Adresse électronique ou mot de passe incorrect."), extra={"code": "credentials"}
    )


# --- Password recovery (ACC-5) -------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """Send a reset link to an active account. Says nothing about unknown addresses."""
    user = User.objects.filter(email=normalize_login_email(email), status=AccountStatus.ACTIVE).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = _absolute(reverse("portal:password_reset", kwargs={"uidb64": uid, "token": token}))
    _email_user(
        user=user, template="password_reset", link=link, hours=settings.PASSWORD_RESET_TIMEOUT // 3600
    )


def password_reset_user(*, uidb64: str, token: str) -> User:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        pk = None
    user = User.objects.filter(pk=pk, status=AccountStatus.ACTIVE).first() if pk else None
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError(
            _(
                "Ce lien de réinitialisation n'est plus valable : il a expiré, a déjà servi ou a été "
                "modifié. Demandez-en un nouveau avec « Mot de passe oublié ? »."
            )
        )
    return user


def password_reset_complete(
    *, uidb64: str, token: str, secret_answer: str, password: str, password_confirmation: str
) -> User:
    """Check the secret answer, then set the new password.

    Not one transaction on purpose: a wrong answer must be counted even though the call is refused.
    """
    user = password_reset_user(uidb64=uidb64, token=token)
    now = timezone.now()
    locked = (
        user.secret_answer_failures >= settings.SECRET_ANSWER_MAX_ATTEMPTS
        and user.secret_answer_failed_at
        and now - user.secret_answer_failed_at < SECRET_ANSWER_LOCK
    )
    if locked:
        raise ApplicationError(
            _(
                "Trop de réponses incorrectes à la question secrète. Réessayez dans 24 heures "
                "ou contactez le support."
            ),
            field="secret_answer",
        )
    if user.secret_answer and not check_password(secret_answer_normalize(secret_answer), user.secret_answer):
        failures = user.secret_answer_failures + 1 if not _lock_expired(user, now) else 1
        User.objects.filter(pk=user.pk).update(secret_answer_failures=failures, secret_answer_failed_at=now)
        left = max(settings.SECRET_ANSWER_MAX_ATTEMPTS - failures, 0)
        raise ApplicationError(
            _("La réponse à la question secrète est incorrecte. Essais restants : %(left)d.")
            % {"left": left},
            field="secret_answer",
        )
    _password_check(user=user, password=password, confirmation=password_confirmation)
    with transaction.atomic():
        user.set_password(password)
        user.secret_answer_failures = 0
        user.secret_answer_failed_at = None
        user.save()
        feed_event_add(user=user, kind=FeedEventKind.PASSWORD_CHANGED)
    return user


def _lock_expired(user: User, now) -> bool:
    return bool(user.secret_answer_failed_at and now - user.secret_answer_failed_at >= SECRET_ANSWER_LOCK)


# --- Mon compte (ACC-6) ----------------------------------------------------------------------------


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    contact_email: str,
    phone: str,
    mobile_phone: str,
    language: str,
    activity_notifications: bool,
) -> User:
    if not first_name.strip() or not last_name.strip():
        raise ApplicationError(_("Le nom et le prénom sont obligatoires."), field="last_name")
    if language not in Language.values:
        raise ApplicationError(_("Choisissez le français ou l'anglais."), field="language")
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.contact_email = contact_email.strip()
    user.phone = phone.strip()
    user.mobile_phone = mobile_phone.strip()
    user.language = language
    user.activity_notifications = activity_notifications
    try:
        user.full_clean(exclude=["password", "email"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=field) from None
    user.save()
    feed_event_add(user=user, kind=FeedEventKind.PROFILE_UPDATED)
    return user


def user_language_set(*, user: User, language: str) -> User:
    if language not in Language.values:
        raise ApplicationError(_("Choisissez le français ou l'anglais."), field="language")
    user.language = language
    user.save(update_fields=["language"])
    return user


def _current_password_check(user: User, password: str, field: str = "current_password") -> None:
    if not user.check_password(password):
        raise ApplicationError(_("Le mot de passe actuel est incorrect."), field=field)


@transaction.atomic
def user_password_change(
    *, user: User, current_password: str, password: str, password_confirmation: str
) -> User:
    _current_password_check(user, current_password)
    _password_check(user=user, password=password, confirmation=password_confirmation)
    user.set_password(password)
    user.save(update_fields=["password"])
    feed_event_add(user=user, kind=FeedEventKind.PASSWORD_CHANGED)
    return user


@transaction.atomic
def user_secret_change(
    *, user: User, current_password: str, secret_question: str, secret_answer: str
) -> User:
    _current_password_check(user, current_password)
    user.secret_answer = _secret_check(secret_question, secret_answer)
    user.secret_question = secret_question
    user.save(update_fields=["secret_question", "secret_answer"])
    feed_event_add(user=user, kind=FeedEventKind.SECRET_CHANGED)
    return user


@transaction.atomic
def user_deactivate(*, user: User, current_password: str) -> User:
    """The person closes their account; it can no longer sign in."""
    _current_password_check(user, current_password)
    user.status = AccountStatus.DEACTIVATED
    user.deactivated_at = timezone.now()
    user.save(update_fields=["status", "deactivated_at"])
    # ORG-11: a primary manager leaving hands the role to the last-connected secondary manager.
    from openchorus.structures.services.memberships import primary_appoint_on_deactivation

    primary_appoint_on_deactivation(user=user)
    return user


# --- Second factor (ACC-6) ----------------------------------------------------------------------


def totp_device_for(*, user: User, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.first()


@transaction.atomic
def totp_setup_start(*, user: User) -> TOTPDevice:
    """A fresh unconfirmed device whose secret the person scans; replaces an earlier attempt."""
    if totp_device_for(user=user):
        raise ApplicationError(_("La double authentification est déjà activée sur ce compte."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="OpenChorus", confirmed=False)


@transaction.atomic
def totp_setup_confirm(*, user: User, token: str) -> TOTPDevice:
    device = totp_device_for(user=user, confirmed=False)
    if device is None:
        raise ApplicationError(_("Recommencez l'activation de la double authentification."), field="token")
    if not device.verify_token((token or "").replace(" ", "")):
        raise ApplicationError(
            _("Ce code ne correspond pas. Saisissez le code à 6 chiffres affiché par votre application."),
            field="token",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    feed_event_add(user=user, kind=FeedEventKind.TOTP_ENABLED)
    return device


@transaction.atomic
def totp_remove(*, user: User, current_password: str) -> None:
    _current_password_check(user, current_password)
    TOTPDevice.objects.filter(user=user).delete()
    feed_event_add(user=user, kind=FeedEventKind.TOTP_DISABLED)


def totp_verify(*, user: User, token: str) -> TOTPDevice:
    device = totp_device_for(user=user)
    if device is None or not device.verify_token((token or "").replace(" ", "")):
        raise ApplicationError(_("Code de vérification incorrect."), field="token")
    return device


# --- Support and demo ---------------------------------------------------------------------------


@transaction.atomic
def user_create_active(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    identifier_type: str = IdentifierType.SIRET,
    identifier: str = "",
    is_staff: bool = False,
    secret_question: str = "",
    secret_answer: str = "",
) -> User:
    """An account created already active (demo data, support staff); no e-mail is sent."""
    email = normalize_login_email(email)
    email_must_be_free(email)
    user = User(
        email=email,
        first_name=first_name,
        last_name=last_name,
        signup_identifier_type=identifier_type,
        signup_identifier=identifier,
        status=AccountStatus.ACTIVE,
        activated_at=timezone.now(),
        is_staff=is_staff,
        is_superuser=is_staff,
    )
    user.set_password(password)
    if secret_question:
        user.secret_answer = _secret_check(secret_question, secret_answer)
        user.secret_question = secret_question
    user.full_clean(exclude=["password"])
    user.save()
    return user
