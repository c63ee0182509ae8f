"""Reads of the content app."""

from openchorus.assistant.models import News


def news_latest(*, limit: int = 3) -> list[News]:
    return list(News.objects.published()[:limit])
