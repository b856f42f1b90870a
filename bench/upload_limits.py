"""How fast, and in how much memory, hostile uploads are refused: in-process, one per process.

    .venv/bin/python bench/upload_limits.py            # all three
    .venv/bin/python bench/upload_limits.py xlsx       # one of: xlsx, csv, article

Each upload runs in a fresh Python process (so its peak memory is its own) against a temporary
SQLite database with the reference data and a superuser, through the admin's real views:
- xlsx: a workbook of 1,000,000 rows that compresses to about 1 MB (far more once read);
- csv: a 50 MB CSV;
- article: a text of 100,000 short lines.
Prints, per upload, the seconds from the request to the answer, the message the editor sees,
and the process's peak resident memory. The targets (issue "Nothing … can break it"): a message
within 5 s and no process above 300 MB.
"""

import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("xlsx", "csv", "article")


def make_xlsx():
    """A valid workbook whose sheet holds 1,000,000 identical rows written without cell
    references: they compress to almost nothing, as in a hostile file."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["id", "instrument_name"])
    written = io.BytesIO()
    book.save(written)
    row = '<row><c t="inlineStr"><is><t></t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>'
    out = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                head, tail = text.split("</sheetData>")
                data = (head + row * 1_000_000 + "</sheetData>" + tail).encode()
            target.writestr(item.filename, data, zipfile.ZIP_DEFLATED, 9)
    return out.getvalue()


def run_one(kind):
    """In this process: prepare, upload, and print one JSON line."""
    database = Path(tempfile.mkdtemp(prefix="qhreform-limits-")) / "db.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "regions", "instrument_types", verbosity=0)
    user = get_user_model().objects.create_superuser("limits", "limits@example.org", "x")
    client = Client()
    client.force_login(user)

    if kind == "xlsx":
        content, url, field, extra = (
            make_xlsx(),
            "/admin/measures/mention/import/",
            "import_file",
            {"format": "1"},
        )
    elif kind == "csv":
        content = b"id,instrument_name\r\n" + b",x\r\n" * (50 * 1024 * 1024 // 4)
        url, field, extra = "/admin/measures/mention/import/", "import_file", {"format": "0"}
    else:
        content = "标题\n".encode() + "一是。\n".encode() * 100_000
        url, field, extra = "/admin/measures/source/import-article/", "file", {"import": "1"}
    upload = SimpleUploadedFile(f"upload.{kind}", content)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.post(url, {field: upload, **extra}, follow=True)
    seconds = time.perf_counter() - started
    html = response.content.decode()
    message = next(
        (
            line.strip()
            for line in html.splitlines()
            if ('class="error' in line or "errorlist" in line or "messagelist" in line)
            and len(line.strip()) > 30
        ),
        "",
    )
    print(
        json.dumps(
            {
                "kind": kind,
                "file_bytes": len(content),
                "seconds": round(seconds, 2),
                "status": response.status_code,
                "message": message[:200],
                "peak_mb_before_request": round(before / 1024),
                "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            ensure_ascii=False,
        )
    )


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        run_one(sys.argv[2])
        return
    kinds = sys.argv[1:] or KINDS
    for kind in kinds:
        result = subprocess.run(
            [sys.executable, __file__, "--one", kind], capture_output=True, text=True, cwd=ROOT
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
        print(lines[-1] if lines else result.stderr[-2000:])


if __name__ == "__main__":
    main()
