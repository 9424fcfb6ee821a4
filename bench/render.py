"""CPU of rendering one 文书 to PDF (WeasyPrint), per document kind.

Every built-in 文书 template is filled with its sample context and turned into HTML once; then the HTML
of each kind is rendered to PDF `--rounds` times (after one warm-up rendering that loads the CJK font),
and the process CPU time (time.process_time, not wall time: the machine is shared) of each rendering is
kept. Printed: CPU ms per rendering, mean over all kinds and rounds, and per kind (median over the
rounds); the first round on its own (a new glyph count makes cffi parse a C type once per process); the
PDF size; and one SHA-256 over every PDF produced, so two trees can be shown to render the very same
bytes for the same HTML.

    PYTHONPATH=src python bench/render.py [--rounds 30] [--kinds filing_approval,decision]

Compare two trees by running it in each (e.g. a detached worktree of main beside a branch), side by side.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--kinds", default="", help="comma-separated kind codes (default: every kind)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhifa-bench-render-") as tmp:
        os.environ.setdefault("ZHIFA_VAR_DIR", tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.config.settings")
        import django

        django.setup()
        from zhifa.enforcement.documents import catalogue, rendering
        from zhifa.enforcement.documents.services import sample_context

        codes = [c for c in args.kinds.split(",") if c] or [k.code for k in catalogue.KINDS]
        html = {
            code: rendering.render_html(
                catalogue.builtin_body(code), sample_context(code), title=catalogue.BY_CODE[code].title
            )
            for code in codes
        }
        started = time.process_time()
        rendering.html_to_pdf(html[codes[0]], title="warm-up")
        first = time.process_time() - started
        cpu: dict[str, list[float]] = {code: [] for code in codes}
        digest = hashlib.sha256()
        sizes: dict[str, int] = {}
        pages: dict[str, int] = {}
        for round_ in range(args.rounds):
            for code in codes:
                started = time.process_time()
                pdf, count = rendering.html_to_pdf(html[code], title=code, author="bench")
                cpu[code].append(time.process_time() - started)
                if round_ == 0:
                    digest.update(pdf)
                    sizes[code], pages[code] = len(pdf), count
                elif len(pdf) != sizes[code]:
                    raise SystemExit(f"{code}: not deterministic")
        every = [s for seconds in cpu.values() for s in seconds]
        later = [s for seconds in cpu.values() for s in seconds[1:]]
        print(
            json.dumps(
                {
                    "load_avg": os.getloadavg()[0],
                    "renderings": len(every),
                    "first_rendering_cpu_s": round(first, 3),
                    "mean_cpu_ms": round(statistics.fmean(every) * 1000, 1),
                    "first_round_mean_cpu_ms": round(statistics.fmean(s[0] for s in cpu.values()) * 1000, 1),
                    "later_rounds_mean_cpu_ms": round(statistics.fmean(later) * 1000, 1) if later else None,
                    "per_kind_median_cpu_ms": {
                        code: round(statistics.median(s) * 1000, 1) for code, s in cpu.items()
                    },
                    "pdf_kb_mean": round(statistics.fmean(sizes.values()) / 1024, 1),
                    "pages": sum(pages.values()),
                    "sha256_of_all_pdfs": digest.hexdigest(),
                },
                indent=2,
                ensure_ascii=False,
            )
        )


if __name__ == "__main__":
    main()
