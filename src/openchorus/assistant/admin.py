from django.contrib import admin

from openchorus.assistant.models import News


@admin.register(News)
class NewsAdmin(admin.ModelAdmin):
    list_display = ["title_fr", "published_on", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title_fr", "title_en"]
