"""The "Compliance officer" staff group with exactly the permissions the compliance console needs:
read the audit log, export and verify it, read archive history, anchors and export jobs, and
restore or purge trash items. Nothing can be added or changed through the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Compliance officer"
PERMISSIONS = (
    ("auditentry", "view_auditentry"),
    ("auditentry", "export_compliance"),
    ("auditentry", "verify_auditchain"),
    ("auditchainanchor", "view_auditchainanchor"),
    ("archivehistory", "view_archivehistory"),
    ("complianceexport", "view_complianceexport"),
    ("trashitem", "view_trashitem"),
    ("trashitem", "restore_trashitem"),
    ("trashitem", "purge_trashitem"),
)


def forwards(apps, schema_editor):
    # Permissions are normally created after `migrate`; create this app's now so the group can use them.
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = [
        Permission.objects.get(
            content_type=ContentType.objects.get(app_label="archive", model=model), codename=codename
        )
        for model, codename in PERMISSIONS
    ]
    group.permissions.set(permissions)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_audit_append_only"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
