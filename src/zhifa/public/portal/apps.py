from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "zhifa.public.portal"
    label = "portal"
    verbose_name = _("Disclosure portal")
