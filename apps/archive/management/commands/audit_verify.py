"""Verify the audit log's hash chain: `manage.py audit_verify` (exit status 1 when broken)."""

import json

from django.core.management.base import BaseCommand, CommandError

from apps.archive.services.audit_chain import audit_chain_verify


class Command(BaseCommand):
    help = "Recompute the audit hash chain and report whether it is intact."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the full report as JSON.")
        parser.add_argument("--max-problems", type=int, default=50)
        parser.add_argument("--progress", action="store_true", help="Print progress to stderr after every chunk.")

    def handle(self, *args, **options):
        on_progress = None
        if options["progress"]:

            def on_progress(checked: int, total: int) -> None:
                self.stderr.write(f"{checked}/{total} links checked ({100 * checked // max(1, total)} %)")

        report = audit_chain_verify(max_problems=options["max_problems"], on_progress=on_progress)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write(
                f"Checked {report.checked} entries (#{report.first_seq}..#{report.last_seq}), "
                f"{report.redacted} redacted, {report.pending_entries} pending, "
                f"head #{report.head_seq} {report.head_hash}"
            )
            for problem in report.problems:
                self.stdout.write(f"  #{problem['seq']} entry {problem['entry_id']}: {problem['reason']}")
        if not report.intact:
            raise CommandError("The audit chain is BROKEN.")
        self.stdout.write(self.style.SUCCESS("The audit chain is intact."))
