"""URLs of the API: the token endpoint and the operations (mounted by config/urls.py)."""

from django.urls import path

from openchorus.api.auth import token
from openchorus.api.main import api

token_urls = [path("oauth/token", token, name="api_token")]
cpro_urls = api.urls
