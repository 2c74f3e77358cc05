"""The results of a run: tables for the terminal, one self-contained HTML page and a CSV to share, and what got
better or worse since an earlier run."""

from __future__ import annotations

import base64
import csv
import io
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import PartnerbotError
from eval.gold import SUGGESTED_KINDS, GoldQuestion
from eval.score import Metrics, breakdown, compute_metrics, language_groups

LANGUAGE_ORDER = ["fr", "en", "en about fr", "fr about en"]

_COLUMNS = [
    ("accuracy", "accuracy"),
    ("answer_accuracy", "answer acc."),
    ("abstention_recall", "abst. recall"),
    ("abstention_precision", "abst. precision"),
    ("false_abstention_rate", "false abst."),
    ("partial_answers", "partial"),
    ("recall_at_k", "recall@k"),
    ("mrr", "MRR"),
    ("citation_correctness", "citation corr."),
    ("latency_p50", "p50 s"),
    ("latency_p95", "p95 s"),
]

Table = tuple[list[str], list[list[str]]]  # header, rows
Breakdown = dict[str, dict[str, tuple[int, float]]]  # variant -> group -> (questions, accuracy)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def metrics_rows(metrics: dict[str, Metrics]) -> Table:
    header = ["variant", *(title for _, title in _COLUMNS)]
    return header, [[name, *(_cell(getattr(m, key)) for key, _ in _COLUMNS)] for name, m in metrics.items()]


def ordered_groups(tables: Breakdown, order: list[str] | tuple[str, ...]) -> list[str]:
    """The groups found, those of `order` first in its order, then the others alphabetically."""
    found = {g for t in tables.values() for g in t}
    return [g for g in order if g in found] + sorted(found - set(order))


def breakdown_rows(title: str, tables: Breakdown, order: list[str] | tuple[str, ...]) -> Table:
    """One row per group (kind, language), one accuracy column per variant, with the number of questions."""
    rows = []
    for group in ordered_groups(tables, order):
        count = next(t[group][0] for t in tables.values() if group in t)
        rows.append([group, str(count), *(_cell(t[group][1]) if group in t else "n/a" for t in tables.values())])
    return [title, "questions", *tables], rows


def markdown(table: Table) -> str:
    header, rows = table
    rule = "|---|" + "---:|" * (len(header) - 1)
    return "\n".join(["| " + " | ".join(header) + " |", rule, *("| " + " | ".join(r) + " |" for r in rows)])


def bar_chart(title: str, tables: Breakdown, groups: list[str]) -> str:
    """Accuracy per group, one bar per variant, as a base64 PNG the page embeds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(tables)
    fig, axes = plt.subplots(figsize=(max(5.0, 1.0 + 0.8 * len(groups)), 3.6))  # inches: wider with more groups
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        shares = [tables[name].get(g, (0, 0.0))[1] for g in groups]
        bars = axes.bar([x + (i - (len(names) - 1) / 2) * width for x in range(len(groups))], shares, width, label=name)
        axes.bar_label(bars, fmt="%.2f", fontsize=7)
    counts = [next(t[g][0] for t in tables.values() if g in t) for g in groups]
    axes.set_xticks(range(len(groups)), [f"{g} ({n})" for g, n in zip(groups, counts, strict=True)])
    axes.tick_params(axis="x", rotation=30)
    plt.setp(axes.get_xticklabels(), ha="right")
    axes.set_ylim(0, 1)
    axes.set_ylabel("accuracy")
    axes.set_title(title)
    if len(names) > 1:
        axes.legend(fontsize="small")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def expected_text(gold: GoldQuestion) -> str:
    """What a correct answer holds, in one line: `a / b AND c`, or that the bot must abstain."""
    if not gold.answerable:
        return "abstain (the documents do not answer)"
    groups = " AND ".join(" / ".join(group.aliases()) for group in gold.expect)
    return groups + (" (and say what is missing)" if gold.partial else "")


@dataclass
class Comparison:
    """The same questions in an earlier run and this one: which were right only now, which only then."""

    variant: str
    old: Path
    old_variant: str
    common: int
    old_accuracy: float
    new_accuracy: float
    better: list[dict[str, Any]]
    worse: list[dict[str, Any]]
    new_only: int  # questions the earlier run did not have

    def summary(self) -> str:
        lines = [
            f"compared with {self.old} ({self.old_variant}): {len(self.better)} better, {len(self.worse)} worse; "
            f"accuracy {self.old_accuracy:.3f} -> {self.new_accuracy:.3f} on {self.common} questions in both"
            + (f"; {self.new_only} new" if self.new_only else "")
        ]
        lines += [f"  better: {r['id']}: {r['question']}" for r in self.better]
        lines += [f"  worse: {r['id']}: {r['question']}" for r in self.worse]
        return "\n".join(lines)


def _truth(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes")


def read_results(path: Path) -> list[dict[str, Any]]:
    """An earlier run's results: the `results.csv` of a report, or the JSON lines of `--results`."""
    try:
        if path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        else:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        raise PartnerbotError(f"{path}: cannot read the earlier results ({exc})") from exc
    if not rows or not {"id", "question", "correct"} <= set(rows[0]):
        raise PartnerbotError(f"{path}: not the results of a run (a results.csv of --report, or a --results file)")
    return [{**row, "variant": row.get("variant") or "configured", "correct": _truth(row["correct"])} for row in rows]


def compare(old_rows: list[dict[str, Any]], variant: str, rows: list[dict[str, Any]], old: Path) -> Comparison | None:
    """This variant's results against the same variant of an earlier run (or its only one).

    A question is the same when it has the same id and question, or else the same question: ids given by line
    number move when lines are added.
    """
    old_variants = list(dict.fromkeys(r["variant"] for r in old_rows))
    old_variant = variant if variant in old_variants else (old_variants[0] if len(old_variants) == 1 else None)
    if old_variant is None:
        return None
    earlier = [r for r in old_rows if r["variant"] == old_variant]
    by_id = {r["id"]: r for r in earlier}
    texts: dict[str, list[dict[str, Any]]] = {}
    for r in earlier:
        texts.setdefault(r["question"], []).append(r)
    pairs = []
    for row in rows:
        same = by_id.get(row["id"])
        if same is None or same["question"] != row["question"]:
            candidates = texts.get(row["question"], [])
            same = candidates[0] if len(candidates) == 1 else None
        if same is not None:
            pairs.append((same, row))
    return Comparison(
        variant=variant,
        old=old,
        old_variant=old_variant,
        common=len(pairs),
        old_accuracy=sum(o["correct"] for o, _ in pairs) / len(pairs) if pairs else math.nan,
        new_accuracy=sum(n["correct"] for _, n in pairs) / len(pairs) if pairs else math.nan,
        better=[n for o, n in pairs if n["correct"] and not o["correct"]],
        worse=[n for o, n in pairs if o["correct"] and not n["correct"]],
        new_only=len(rows) - len(pairs),
    )


RESULT_COLUMNS = [
    "variant", "id", "kind", "lang", "question", "history", "expected", "correct", "abstained", "partial", "answer",
    "quotes", "cited documents", "latency_s", "error",
]  # fmt: skip


def _quotes(row: dict[str, Any]) -> list[str]:
    return [c.get("quote") or c.get("text", "") for c in row["citations"]]


class Evaluation:
    """The results of one run of a gold set, with the tables and the report made from them."""

    def __init__(self, golds: list[GoldQuestion], doc_languages: dict[str, str]):
        self.golds = golds
        self.by_id = {g.id: g for g in golds}
        self.doc_languages = doc_languages
        self.results: dict[str, list[dict[str, Any]]] = {}
        self.metrics: dict[str, Metrics] = {}
        self.comparisons: list[Comparison] = []
        self.skipped: list[str] = []  # the lines of the gold file that could not be run, with why

    def add(self, variant: str, results: list[dict[str, Any]]) -> None:
        self.results[variant] = results
        self.metrics[variant] = compute_metrics(self.golds, results)

    def per_kind(self) -> Breakdown:
        return {name: breakdown(self.golds, rows, lambda g: [g.label]) for name, rows in self.results.items()}

    def per_language(self) -> Breakdown:
        groups = language_groups(self.doc_languages)
        return {name: breakdown(self.golds, rows, groups) for name, rows in self.results.items()}

    def table_rows(self) -> list[tuple[str, Table]]:
        return [
            ("Metrics", metrics_rows(self.metrics)),
            ("Accuracy per kind", breakdown_rows("kind", self.per_kind(), SUGGESTED_KINDS)),
            ("Accuracy per language", breakdown_rows("language", self.per_language(), LANGUAGE_ORDER)),
        ]

    def tables(self) -> str:
        return "\n\n".join(markdown(table) for _, table in self.table_rows())

    def compare_with(self, earlier: list[dict[str, Any]], old: Path) -> list[Comparison]:
        """Each variant against the earlier run's results (`read_results(old)`)."""
        found = (compare(earlier, name, rows, old) for name, rows in self.results.items())
        self.comparisons = [c for c in found if c is not None]
        return self.comparisons

    def write_results_csv(self, path: Path) -> Path:
        """One row per question and variant; opens in a spreadsheet (UTF-8 with its mark, 1/0 for yes/no)."""
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.DictWriter(out, RESULT_COLUMNS)
            writer.writeheader()
            for name, rows in self.results.items():
                for r in rows:
                    gold = self.by_id[r["id"]]
                    writer.writerow(
                        {
                            "variant": name,
                            **{k: r[k] for k in ("id", "kind", "lang", "question", "answer", "latency_s")},
                            "history": "\n".join(f"{t.role}: {t.content}" for t in gold.history),
                            "expected": expected_text(gold),
                            **{k: int(bool(r.get(k))) for k in ("correct", "abstained", "partial")},
                            "quotes": "\n".join(_quotes(r)),
                            "cited documents": " | ".join(dict.fromkeys(c["doc_id"] for c in r["citations"])),
                            "error": r.get("error", ""),
                        }
                    )
        return path

    def write_report(self, directory: Path, title: str) -> tuple[Path, Path]:
        """`report.html` (one page: tables, plots, every miss with its quotes) and `results.csv` in `directory`."""
        from jinja2 import Environment

        directory.mkdir(parents=True, exist_ok=True)
        per_kind, per_language = self.per_kind(), self.per_language()
        plots = [
            ("Accuracy per kind", bar_chart("Accuracy per kind", per_kind, ordered_groups(per_kind, SUGGESTED_KINDS))),
            (
                "Accuracy per language",
                bar_chart("Accuracy per language", per_language, ordered_groups(per_language, LANGUAGE_ORDER)),
            ),
        ]
        misses = {
            name: [
                {
                    **r,
                    "gold": self.by_id[r["id"]],
                    "quoted": [c for c in r["citations"] if c.get("quote") or c.get("text")],
                }
                for r in rows
                if not r["correct"]
            ]
            for name, rows in self.results.items()
        }
        page = (
            Environment(autoescape=True)
            .from_string(_PAGE)
            .render(
                title=title,
                when=time.strftime("%Y-%m-%d %H:%M"),
                questions=len(self.golds),
                answerable=sum(g.answerable for g in self.golds),
                tables=self.table_rows(),
                plots=plots,
                comparisons=self.comparisons,
                skipped=self.skipped,
                misses=misses,
            )
        )
        report = directory / "report.html"
        report.write_text(page, encoding="utf-8")
        return report, self.write_results_csv(directory / "results.csv")


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>partnerbot evaluation: {{ title }}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; }
td:not(:first-child) { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
img { max-width: 100%; }
.miss { border: 1px solid #ddd; border-left: 4px solid #c0392b; border-radius: 4px; padding: 0.5rem 1rem;
        margin: 0.8rem 0; }
.miss h3 { margin: 0.2rem 0; font-size: 0.9rem; color: #666; font-weight: normal; }
.question { font-weight: 600; }
dt { font-weight: 600; margin-top: 0.4rem; }
dd { margin-left: 1rem; }
.answer { white-space: pre-wrap; margin: 0; }
blockquote { margin: 0.3rem 0; padding: 0.2rem 0.8rem; border-left: 3px solid #2c7be5; background: #f6f9fe; }
blockquote cite { display: block; font-size: 0.85rem; color: #555; }
.better { color: #1e7e34; } .worse { color: #c0392b; }
</style>
</head>
<body>
<h1>partnerbot evaluation: {{ title }}</h1>
<p>{{ questions }} questions ({{ answerable }} answerable), {{ when }}.</p>
{% if skipped %}<section class="skipped">
<h2>Lines not run ({{ skipped|length }})</h2>
<ul>{% for problem in skipped %}<li>{{ problem }}</li>{% endfor %}</ul>
</section>{% endif %}
{% for caption, table in tables %}
<h2>{{ caption }}</h2>
<table>
<tr>{% for cell in table[0] %}<th>{{ cell }}</th>{% endfor %}</tr>
{% for row in table[1] %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}
{% for caption, png in plots %}
<figure><img alt="{{ caption }}" src="data:image/png;base64,{{ png }}"></figure>
{% endfor %}
{% for c in comparisons %}
<section class="comparison">
<h2>{{ c.variant }} compared with {{ c.old.name }} ({{ c.old_variant }})</h2>
<p>{{ c.better|length }} better, {{ c.worse|length }} worse; accuracy {{ "%.3f"|format(c.old_accuracy) }} &rarr;
{{ "%.3f"|format(c.new_accuracy) }} on the {{ c.common }} questions in both{% if c.new_only %}; {{ c.new_only }}
new{% endif %}.</p>
<ul>
{% for r in c.better %}<li class="better">better: <code>{{ r.id }}</code> {{ r.question }}</li>{% endfor %}
{% for r in c.worse %}<li class="worse">worse: <code>{{ r.id }}</code> {{ r.question }}</li>{% endfor %}
</ul>
</section>
{% endfor %}
{% for name, rows in misses.items() %}
<section class="misses">
<h2>Misses of {{ name }} ({{ rows|length }})</h2>
{% for r in rows %}
<article class="miss" id="miss-{{ name|replace(' ', '-') }}-{{ r.id }}">
<h3><code>{{ r.id }}</code> &middot; {{ r.gold.label }} &middot; {{ r.lang }}</h3>
{% if r.gold.history %}<ol class="history">{% for t in r.gold.history %}
<li>{{ t.role }}: {{ t.content }}</li>{% endfor %}</ol>{% endif %}
<p class="question">{{ r.question }}</p>
<dl>
<dt>expected</dt>
<dd class="expected">{% if not r.gold.answerable %}abstain: the documents do not answer{% else %}
{% for group in r.gold.expect %}{% if not loop.first %} <strong>and</strong> {% endif %}
{{ group.aliases()|join(" / ") }}{% endfor %}{% if r.gold.partial %} (and say what is missing){% endif %}{% endif %}
</dd>
<dt>answer{% if r.abstained %} (abstained){% elif r.partial %} (partial){% endif %}</dt>
<dd><p class="answer">{{ r.answer }}</p></dd>
<dt>quotes</dt>
<dd>{% for c in r.quoted %}<blockquote class="quote">{{ c.quote or c.text }}
<cite>{{ c.title }} ({{ c.doc_id }}{% if c.page %}, p. {{ c.page }}{% endif %})</cite></blockquote>
{% else %}none{% endfor %}</dd>
</dl>
</article>
{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""
