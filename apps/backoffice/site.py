"""PronaFlow's admin site: Django's, plus the dashboard on the index page and the button that
starts a background verification of the audit chain."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from apps.archive.services.audit_verification import audit_chain_verification_request
from apps.backoffice import dashboard
from apps.core.admin import HostileInputMixin
from apps.core.exceptions import DomainError


class PronaFlowAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        """Every ModelAdmin, ours and third-party ones, answers hostile query strings and action
        selections with a redirect or a message, never a 500 (apps.core.admin.HostileInputMixin)."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, HostileInputMixin):
            admin_class = type(
                admin_class.__name__, (HostileInputMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)

    def index(self, request, extra_context=None):
        """The app list, preceded by the dashboard panels the user may see."""
        extra_context = {**(extra_context or {}), "dashboard": dashboard.dashboard_for(request.user)}
        return super().index(request, extra_context)

    def get_urls(self):
        view = self.admin_view(require_POST(self.verify_audit_chain_view))
        return [path("dashboard/verify-audit-chain/", view, name="backoffice_verify_audit_chain"), *super().get_urls()]

    def verify_audit_chain_view(self, request):
        """Queue a verification of the audit chain (Celery) and return to the dashboard."""
        actor = get_user_model().objects.get(pk=request.user.pk)
        try:
            audit_chain_verification_request(actor=actor)
        except DomainError as exc:
            messages.warning(request, exc.message)
        else:
            messages.success(request, "Verification of the audit chain started; its verdict appears here.")
        dashboard.forget("audit_chain")
        return HttpResponseRedirect(reverse("admin:index"))
