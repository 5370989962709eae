"""Serializers of module 12, one module per area: output `<Entity>Serializer`, input
`<Entity>CreateSerializer` / `<Entity>UpdateSerializer`."""
