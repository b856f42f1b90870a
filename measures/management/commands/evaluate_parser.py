import json

from django.core.management.base import BaseCommand, CommandError

from measures.ingest.parsing import load_regions, load_type_rules
from measures.ingest.parsing.evaluation import evaluate, report_lines
from measures.ingest.records import REGIONS_FIXTURE, TYPES_FIXTURE, fixture_path


class Command(BaseCommand):
    help = (
        "Score the parser against annotated articles: titles right, precision, recall, type and "
        "region accuracy of the instruments, per article and in total, with misses and extras. "
        "The annotation format and the matching rule are in docs/parser.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("annotations", nargs="+", help="Annotation JSON files.")
        parser.add_argument("--json", action="store_true", help="Print the scores as JSON.")
        parser.add_argument(
            "--summary", action="store_true", help="Figures only, without misses and extras."
        )

    def handle(self, *args, annotations, summary, **options):
        try:
            evaluation = evaluate(
                annotations,
                regions=load_regions(fixture_path(REGIONS_FIXTURE)),
                type_rules=load_type_rules(fixture_path(TYPES_FIXTURE)),
            )
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot evaluate: {error!r}") from error
        if options["json"]:
            self.stdout.write(_dumps(evaluation.as_dict()))
        else:
            for line in report_lines(evaluation, details=not summary):
                self.stdout.write(line)


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
