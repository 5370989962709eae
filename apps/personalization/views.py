from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.personalization import selectors, services
from apps.personalization.serializers import (
    LanguageSerializer,
    ThemeSerializer,
    UserPreferenceSerializer,
    UserPreferenceUpdateSerializer,
    WcagLevelSerializer,
)

TAG = ["preferences"]


class PreferenceView(APIView):
    @extend_schema(operation_id="preferences_get", responses=UserPreferenceSerializer, tags=TAG)
    def get(self, request):
        """The caller's preferences (created with the defaults on first read)."""
        preference = services.preference_get(user=request.user)
        return Response(UserPreferenceSerializer(preference).data)

    @extend_schema(
        operation_id="preferences_update",
        request=UserPreferenceUpdateSerializer,
        responses=UserPreferenceSerializer,
        tags=TAG,
    )
    def patch(self, request):
        """Change preferences; nested `accessibility` and `notifications` merge key by key."""
        serializer = UserPreferenceUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.preference_update(actor=request.user, data=serializer.validated_data)
        return Response(UserPreferenceSerializer(preference).data)


class ThemeListView(APIView):
    @extend_schema(operation_id="preferences_themes_list", responses=ThemeSerializer(many=True), tags=TAG)
    def get(self, request):
        """Themes a user can choose."""
        return Response(ThemeSerializer(selectors.theme_list(), many=True).data)


class LanguageListView(APIView):
    @extend_schema(operation_id="preferences_languages_list", responses=LanguageSerializer(many=True), tags=TAG)
    def get(self, request):
        """Supported UI languages with their native names."""
        return Response(LanguageSerializer(selectors.language_list(), many=True).data)


class WcagLevelView(APIView):
    @extend_schema(operation_id="preferences_wcag_level_get", responses=WcagLevelSerializer, tags=TAG)
    def get(self, request):
        """The caller's WCAG conformance level and the concrete switches it maps to."""
        preference = services.preference_get(user=request.user)
        return Response(WcagLevelSerializer.build(preference))
