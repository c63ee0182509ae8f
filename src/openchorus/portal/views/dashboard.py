"""The connected home (accueil connecté): event feed, news, quick access."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from openchorus.assistant.selectors import news_latest
from openchorus.notifications.selectors import feed_events_for_user
from openchorus.portal.navigation import quick_access_for


@login_required
def dashboard(request):
    context = {
        "events": feed_events_for_user(user=request.user, limit=10),
        "news": news_latest(limit=3),
        "quick_access": quick_access_for(request.user),
    }
    return render(request, "portal/dashboard.html", context)
