from dsfr.context_processors import site_config as dsfr_site_config


def site_config(request):
    """django-dsfr's site configuration, read once per request instead of once per template.

    (Tables and forms render their own templates with the request context.)
    """
    if not hasattr(request, "_dsfr_site_config"):
        request._dsfr_site_config = dsfr_site_config(request)["SITE_CONFIG"]
    return {"SITE_CONFIG": request._dsfr_site_config}
