"""The JSON API (/api/): one NinjaAPI with organisation keys, and its routers.

Schema at /api/openapi.json. No interactive docs page: it would load scripts from a CDN,
which the CSP forbids and these servers cannot reach."""

from ninja import NinjaAPI

from funding.api import router as funding_router
from projects.api import committees_router, projects_router
from projects.opendata import router as opendata_router

from .api_base import OrganisationToken

api = NinjaAPI(
    title="API du portail CPTS",
    version="1",
    description=(
        "Projets de CPTS, comités, contrats ACI et droits à financement, limités au territoire "
        "de l'organisation titulaire de la clé (en-tête `Authorization: Bearer cpts_…`). "
        "Données ouvertes, sans clé, sous /api/opendata/."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=OrganisationToken(),
)
api.add_router("/projects/", projects_router)
api.add_router("/committees/", committees_router)
api.add_router("/contracts/", funding_router)
api.add_router("/opendata/", opendata_router)
