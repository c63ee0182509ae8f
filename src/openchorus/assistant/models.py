"""News (actualités, AST-1) shown on the public and connected homes, written by platform staff."""

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class NewsQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, published_on__lte=timezone.localdate())


class News(models.Model):
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    body_fr = models.TextField(_("texte (français)"))
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    body_en = models.TextField(_("texte (anglais)"), blank=True)
    published_on = models.DateField(_("date de publication"), default=timezone.localdate)
    is_published = models.BooleanField(_("publiée"), default=True)

    objects = NewsQuerySet.as_manager()

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title_fr

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_fr

    @property
    def body(self) -> str:
        return self.body_en if get_language() == "en" and self.body_en else self.body_fr
