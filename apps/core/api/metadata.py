from rest_framework.metadata import SimpleMetadata


class MinimalMetadata(SimpleMetadata):
    """OPTIONS answers name, description and media types only.

    DRF's default also describes the write serializers by loading the object, which needs
    permission and tenancy context OPTIONS does not carry (and would leak field details).
    """

    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
