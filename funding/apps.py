from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"

    def ready(self):
        # The signed contract is a document issued to the project's file, stored like the others.
        from projects.documents import register_source
        from projects.models import DocumentKind

        from .documents import signed_avenant_source, signed_contract_source

        register_source(DocumentKind.ACI_CONTRACT, signed_contract_source)
        register_source(DocumentKind.ACI_AVENANT, signed_avenant_source)
