"""The dashboard (list, filters, exports) and the creation of a project."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from common import exports
from common.messages import attempt

from .. import services
from ..filters import ProjectFilter
from ..forms import (
    ProjectCreateForm,
)
from ..selectors import visible_projects
from ..tables import ProjectTable, export_dataset


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    # Paginated by the table only (a ListView paginate_by would count the rows a second time).
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        # The table reads its page's columns itself (ProjectTable.page_rows), exports theirs.
        return visible_projects(self.request.user)

    def render_to_response(self, context, **kwargs):
        # ?_export=csv|xlsx: every filtered row in the table's order (?sort=), not only the page.
        fmt = self.request.GET.get("_export")
        if fmt in exports.FORMATS:
            rows = export_dataset(context["table"].data.data)
            return exports.response(rows, fmt, "projets-cpts")
        return super().render_to_response(context, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


@login_required
def project_create(request):
    if request.user.is_institution:
        raise PermissionDenied("Les institutions ne créent pas de projet.")
    form = ProjectCreateForm(request.POST or None)
    created = []

    def create():
        d = form.cleaned_data
        created.append(services.create_project(request.user, d["name"], d["departement"]))

    done = "Projet créé. Rédigez maintenant la lettre d'intention."
    if request.method == "POST" and form.is_valid() and attempt(request, create, done):
        return redirect("projects:letter", pk=created[0].pk)
    return render(request, "projects/project_create.html", {"form": form})
