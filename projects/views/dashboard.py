"""The dashboard (list, filters, exports) and the creation of a project."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import TableExport
from django_tables2.export.views import ExportMixin

from .. import services
from ..filters import ProjectFilter
from ..forms import (
    ProjectCreateForm,
)
from ..selectors import visible_projects
from ..tables import ProjectTable, export_dataset


def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("projects:list")


class ProjectListView(LoginRequiredMixin, ExportMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    # Paginated by the table only (a ListView paginate_by would count the rows a second time).
    table_pagination = {"per_page": 25}
    export_name = "projets-cpts"
    export_formats = ("csv", "xlsx")

    def get_queryset(self):
        return visible_projects(self.request.user).select_related("departement")

    def create_export(self, export_format):
        # The table's ordering (?sort=) applies; values() instead of rendering every cell.
        table = self.get_table(**self.get_table_kwargs())
        dataset = export_dataset(table.data.data)
        response = HttpResponse(
            dataset.export(export_format), content_type=TableExport.FORMATS[export_format]
        )
        filename = self.get_export_filename(export_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


@login_required
def project_create(request):
    if request.user.is_institution:
        raise PermissionDenied("Les institutions ne créent pas de projet.")
    form = ProjectCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.create_project(
            request.user, form.cleaned_data["name"], form.cleaned_data["departement"]
        )
        messages.success(request, "Projet créé. Rédigez maintenant la lettre d'intention.")
        return redirect("projects:letter", pk=project.pk)
    return render(request, "projects/project_create.html", {"form": form})
