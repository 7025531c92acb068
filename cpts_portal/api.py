"""The JSON API (/api/): one NinjaAPI with organisation keys, and its routers.

Schema at /api/openapi.json. No interactive docs page: it would load scripts from a CDN,
which the CSP forbids and these servers cannot reach."""

from ninja import NinjaAPI

from accounts.api_auth import OrganisationToken
from common.api import ApiRenderer
from funding.api import router as funding_router
from projects.api import committees_router, projects_router
from projects.opendata import router as opendata_router

ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "401": "Clé absente, inconnue ou révoquée",
    "403": "Ressource réservée à d'autres organisations",
    "404": "Inconnu sur le territoire de l'organisation",
    "422": "Paramètres invalides",
}


class PortalAPI(NinjaAPI):
    """Documents the error answers too, so that clients (and schemathesis) know every status."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["Error"] = {
            "type": "object",
            "properties": {"detail": {"description": "message, ou liste des erreurs (422)"}},
            "required": ["detail"],
        }
        for path, methods in schema["paths"].items():
            for operation in methods.values():
                codes = ["422"]
                if operation.get("security"):
                    codes += ["401", "403"]
                if "{" in path:
                    codes.append("404")
                for code in codes:
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": ERRORS[code],
                            "content": {"application/json": {"schema": ERROR}},
                        },
                    )
        return schema


api = PortalAPI(
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
    renderer=ApiRenderer(),
)
api.add_router("/projects/", projects_router)
api.add_router("/committees/", committees_router)
api.add_router("/contracts/", funding_router)
api.add_router("/opendata/", opendata_router)
