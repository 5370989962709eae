"""Probe endpoints that exercise the API plumbing (envelope, errors, pagination) on their own,
mounted under /api/v1/probe/ in front of the real routes."""

from django.db import transaction
from django.urls import include, path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.core.api.envelope import ok
from apps.core.api.pagination import PagePagination
from apps.core.exceptions import Conflict, PermissionDenied
from pronaflow.urls import urlpatterns as real_urlpatterns


class EchoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=10)
    count = serializers.IntegerField(min_value=0)


class EchoView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        return ok({"hello": "world"}, message="Greeting")

    def post(self, request):
        serializer = EchoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return ok(serializer.validated_data, status=201)


class PrivateView(APIView):
    def get(self, request):
        return ok({"user": str(request.user.pk)})


class ForbiddenView(APIView):
    def get(self, request):
        raise PermissionDenied()


class ConflictView(APIView):
    def get(self, request):
        raise Conflict("Already exists.")


class DuplicateUserView(APIView):
    """Creating the same e-mail twice trips the database's unique constraint: 409."""

    permission_classes = [AllowAny]

    def post(self, request):
        with transaction.atomic():
            User.objects.create(email="dup@example.com", username=request.data.get("username", "dup"))
        return ok({}, status=201)


class BoomView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("secret internals: password=hunter2")


class NumbersView(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        paginator = PagePagination()
        page = paginator.paginate_queryset(list(range(1, 46)), request, self)
        return paginator.get_paginated_response(page)


probe = [
    path("echo", EchoView.as_view()),
    path("private", PrivateView.as_view()),
    path("forbidden", ForbiddenView.as_view()),
    path("conflict", ConflictView.as_view()),
    path("duplicate-user", DuplicateUserView.as_view()),
    path("boom", BoomView.as_view()),
    path("numbers", NumbersView.as_view()),
]

urlpatterns = [path("api/v1/probe/", include(probe)), *real_urlpatterns]
