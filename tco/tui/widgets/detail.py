"""The detail pane: everything behind the highlighted row.

API offer: the numbers, the offer's whole price history with the point in force on the
as-of date highlighted, the exchange rates and dates used, the cost lines, the quality
scores and the warnings. Self-hosted deployment: the memory picture (weights / KV cache /
free), GPUs and nodes, throughput and latency against the targets, the cost split and the
assumptions. The text builders are plain functions so they can be tested on hand-built
results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...errors import launch_text
from ...report.estimate import part_tokens
from ...report.format import cost_part, money, share, tokens, unit_price
from ..plot import hbar, stacked_bar, waterfall
from ..guard import Guarded, safe_paint
from ..reasons import no_cost, no_rank

if TYPE_CHECKING:
    from ...plan.result import CandidateResult


@dataclass
class PricePointView:
    """One point of an offer's price history, as the detail pane shows it."""

    effective_from: date
    currency: str
    input: float | None
    output: float | None
    cached_input: float | None = None
    status: str = ""
    source: str = ""
    note: str | None = None


@dataclass
class DetailContext:
    """What the pane needs besides the result: the date, currency and catalog facts."""

    as_of: str
    currency: str
    fx: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: Sequence[PricePointView] = ()
    offer_name: str = ""
    offer_id: str = ""
    launched: str | None = None
    context_window: int | None = None
    workload: dict[str, Any] = field(default_factory=dict)
    latency_targets: tuple[float | None, float | None] = (None, None)
    convert: Callable[[float, str], float] | None = None
    """Converts an amount in a currency to the report currency (None when no rate is known)."""


def _n(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _prose(text: str, width: int, indent: str = "   ", style: str = "dim", first: str | None = None) -> list[Text]:
    """Wrap a sentence to the pane's width (the pane itself never wraps, it crops)."""
    import textwrap

    first = indent if first is None else first
    rows = textwrap.wrap(text, width=max(width - 1, 20), initial_indent=first, subsequent_indent=indent) or [first]
    return [Text(r, style) for r in rows]


def _packed(items: Sequence[str | Text], width: int, indent: str = "   ", sep: str = " · ") -> list[Text]:
    """Items joined by ``sep``, as many a line as the pane's width holds (an item is never cut:
    "GPUs billed 16" goes whole to the next line)."""
    rows: list[Text] = []
    for item in items:
        t = Text(item) if isinstance(item, str) else item
        if rows and rows[-1].cell_len + len(sep) + t.cell_len <= max(width - 1, 20):
            rows[-1].append(sep)
            rows[-1].append_text(t)
        else:
            rows.append(Text(indent))
            rows[-1].append_text(t)
    return rows


def _finish(lines: list[Text]) -> Text:
    out = Text("\n").join(lines)
    out.no_wrap = True
    out.overflow = "ellipsis"
    return out


def _head(c: CandidateResult, cur: str, width: int) -> list[Text]:
    t = Text(c.label, "bold")
    kind = "self-hosted" if c.kind == "selfhost" else "API"
    who = f" · {c.provider}" if c.provider and c.provider != kind else ""
    sub = Text(f"{kind}{who} · model {c.model}", "dim")
    marks = []
    if c.best_value:
        marks.append(("★ best value", "bold green"))
    if c.cheapest:
        marks.append(("▼ cheapest", "bold cyan"))
    for m, st in marks:
        t.append("  ")
        t.append(m, st)
    lines = [t, sub]
    if c.available_from:
        lines.append(Text(f"not launched yet on this date: {launch_text(c.available_from)}", "yellow"))
        return lines
    for why, label in ((no_cost(c), "no cost"), (no_rank(c), "not ranked")):
        if why is not None:  # the reason first, where the eye is, not only under Warnings
            lines += _prose(f"{label}: {why.full}", width, indent="  ", style="bold yellow", first="")
    if c.retires:  # an announced end within a year of the as-of date
        said = next((w for w in c.warnings if w.startswith("retires on")), f"retires on {c.retires}")
        lines += _prose(said, width, indent="  ", style="bold yellow", first="")
    if c.reasoning_unpriced:  # the cost below is a floor: say so where the eye is, not only under Warnings
        lines += _prose("excludes hidden reasoning tokens: its model reasons by default and the scenario gives no "
                        "reasoning_tokens (edit the file to add them)", width, indent="  ", style="bold yellow",
                        first="")
    parts: list[Text] = []
    if no_cost(c) is None:
        parts += [Text.assemble((money(c.monthly_cost, cur), "bold"), "/mo"),
                  Text(unit_price(c.cost_per_mtok, cur) + "/1M tok")]
    q = "n/a" if _n(c.quality) else f"{c.quality:.1f}"
    parts.append(Text(f"quality {q}" + (f" ({share(c.quality_coverage)})" if not _n(c.quality_coverage) else "")))
    if c.rank:
        parts += [Text.assemble((unit_price(c.cost_per_quality_point, cur), "bold"), "/pt"), Text(f"rank {c.rank}")]
    else:
        parts.append(Text("not ranked", "dim"))
    lines += _packed(parts, width, indent="")  # at any width, each figure whole
    return lines


def _price_pair(p: PricePointView) -> str:
    def one(v: float | None) -> str:
        return "?" if v is None else unit_price(v, p.currency)

    out = f"{one(p.input)} / {one(p.output)}"
    if p.cached_input is not None:
        out += f"  cached {one(p.cached_input)}"
    return out


def api_detail(c: CandidateResult, ctx: DetailContext, width: int = 80) -> Text:
    cur = ctx.currency
    lines = _head(c, cur, width)
    lines.append(Text(""))
    used = (c.price or {}).get("effective_from")
    title = Text("Price history", "bold underline")
    title.append(f"  {ctx.offer_name or ctx.offer_id}, per 1M tokens: input / output", "dim")
    lines.append(title)
    if ctx.convert is not None and any(p.currency != cur for p in ctx.history):
        # every row at one rate: what each past price would cost now, not what it cost then
        lines += _prose(f"= {cur} at the rate of the as-of date, {ctx.as_of}, for every row", width)
    as_of = date.fromisoformat(ctx.as_of)
    for p in ctx.history:
        row = Text()
        is_used = used is not None and p.effective_from.isoformat() == used
        future = p.effective_from > as_of
        row.append(" ▶ " if is_used else "   ", "bold yellow")
        body = f"{p.effective_from.isoformat()}  {_price_pair(p):<24}"
        if p.currency != cur and ctx.convert is not None and p.input is not None and p.output is not None:
            try:
                body += f" = {unit_price(ctx.convert(p.input, p.currency), cur)} / " \
                        f"{unit_price(ctx.convert(p.output, p.currency), cur)}"
            except Exception:  # noqa: BLE001 - no rate for that currency: show the quote only
                pass
        row.append(body, "bold reverse" if is_used else ("dim" if future else ""))
        row.append(f"  {p.status}", "green" if p.status == "verified" else "yellow")
        if is_used:
            row.append(f"  ◀ used on {ctx.as_of}", "bold yellow")
        elif future:
            row.append("  (after the as-of date)", "dim")
        lines.append(row)
        if p.note and is_used:
            lines += _prose(p.note, width, indent="      ", style="dim italic")
    if not ctx.history:
        lines.append(Text("   (no price history in the catalog)", "dim"))
    lines.append(Text(""))
    lines.append(Text("Dates and exchange rates", "bold underline"))
    d = f"as of {ctx.as_of}; amounts in {cur}"
    if used:
        d += f"; price in force since {used}"
    if ctx.launched:
        d += f"; launched {ctx.launched}"
    lines += _prose(d, width, style="")
    quoted = (c.price or {}).get("currency")
    for code, fx in ctx.fx.items():
        if code == cur or code == quoted:
            lines += _prose(fx_line(code, fx), width)
    if quoted and quoted != cur and not ctx.fx:
        lines.append(Text(f"   quoted in {quoted}", "dim"))
    if c.price:
        lines += _prose(f"source: {c.price.get('source', '')}", width)
    if c.cost_breakdown and not c.available_from:
        lines.append(Text(""))
        lines.append(Text("Monthly cost", "bold underline"))
        w = ctx.workload
        items = [(k, v) for k, v in c.breakdown_cents().items() if not _n(v)]  # in cents adding up to the cost
        # a waterfall: costs add to the right, discounts (…_savings) take their share back off
        signed = [-v if k.endswith("_savings") else v for k, v in items]
        barw = max(min(16, width - 1 - 49), 4)  # what the pane leaves beside label, tokens and amount
        bars = waterfall(signed, barw)
        for (k, v), s_v, bar in zip(items, signed, bars, strict=True):
            label = cost_part(k)
            n = part_tokens(w, c.price).get(k) if w.get("input_tokens_per_month") is not None else None
            qty = f"{tokens(n)} tok" if n else ""
            row = Text(f"   {label:<20}{qty:>10} {money(s_v, cur):>14} ")
            row.append_text(bar)
            lines.append(row)
        if any(s_v < 0 for s_v in signed):
            net = sum(signed)
            row = Text(f"   {'total':<20}{'':>10} {money(net, cur):>14} ", "bold")
            row.append_text(hbar(net, sum(max(v, 0) for v in signed), barw, "cyan"))
            lines.append(row)
    lines += _quality(c, width)
    lines += _warnings(c, width)
    return _finish(lines)


def fx_line(code: str, fx: dict[str, Any]) -> str:
    """``CNY 7.2327 per USD (Fed G.5 ..., 2024-05; source)``; a scenario's own rate:
    ``CNY 7 per USD (scenario fx: override)``."""
    rate = f"{code} {fx.get('per_usd', 0):g} per USD"
    if fx.get("overridden"):
        return f"{rate} (scenario fx: override)"
    details = ", ".join(str(fx[k]) for k in ("rate_type", "period") if fx.get(k) and fx[k] != "-")
    if fx.get("source"):
        details += ("; " if details else "") + str(fx["source"])
    return f"{rate} ({details})" if details else rate


def _wrap_cells(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` terminal cells (CJK counted double)."""
    from rich.cells import cell_len

    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if line and cell_len(joined) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    return lines + ([line] if line else [])


def _quality(c: CandidateResult, width: int = 80) -> list[Text]:
    from rich.cells import cell_len

    if not c.quality_detail and not c.missing_benchmarks:
        return []
    out = [Text(""), Text("Quality", "bold underline")]
    for d in c.quality_detail:
        row = Text(f"   {d.get('benchmark', '?'):<16} {d.get('score', 0):>6.1f}")
        if d.get("normalized") is not None and d.get("normalized") != d.get("score"):
            row.append(f" (={d['normalized']:.1f}/100)")
        row.append(f"  weight {d.get('weight', 0):g}  ", "dim")
        note = ((d.get("setting") or {}).get("note") or "") if isinstance(d.get("setting"), dict) else ""
        # the setting first (which mode, shots...: what the score measures), then where it comes from
        source = (f"{note}; " if note else "") + str(d.get("source", ""))
        room = width - 1 - row.cell_len
        if cell_len(source) <= room or room < 30:  # fits, or too narrow to hang: the pane's ellipsis
            out.append(row.append(source, "dim"))
            continue
        # wrapped under its own start, not cut at the pane's edge
        hang = " " * row.cell_len
        first, *rest = _wrap_cells(source, room) or [""]
        out.append(row.append(first, "dim"))
        out += [Text(hang + r, "dim") for r in rest]
    for b in c.missing_benchmarks:
        out.append(Text(f"   {b:<16}      - missing (not counted as 0)", "yellow"))
    return out


def _warnings(c: CandidateResult, width: int = 80) -> list[Text]:
    if not c.warnings:
        return []
    out = [Text(""), Text("Warnings", "bold underline")]
    for w in c.warnings:
        out += _prose(w, width, indent="   ", style="yellow", first=" ! ")
    return out


def _num(sh: dict[str, Any], key: str) -> float | None:
    v = sh.get(key)
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def selfhost_detail(c: CandidateResult, currency: str, targets: tuple[float | None, float | None] = (None, None),
                    width: int = 80) -> Text:
    """The self-hosted picture, from whatever keys ``c.selfhost`` carries."""
    sh = c.selfhost or {}
    lines = _head(c, currency, width)
    lines.append(Text(""))
    # memory
    mem, wts, kv, free = (_num(sh, k) for k in ("memory_gb", "weights_gb", "kv_gb", "free_gb"))
    placed, reserved = _num(sh, "weights_placed_gb"), _num(sh, "reserved_gb")
    copies = placed is not None and wts is not None and placed > wts * 1.01  # expert parallelism: dense part per rank
    wts = placed if placed is not None else wts
    gpu = sh.get("gpu_name") or sh.get("gpu")
    if mem or wts:
        title = Text("Memory", "bold underline")
        per = sh.get("gpus")
        if mem:
            title.append(f"  {mem:,.1f} GB", "bold")
            if per and gpu:
                title.append(f" on {_int(per)} x {gpu}", "dim")
        lines.append(title)
        total = mem or sum(v for v in (wts, kv, free) if v) or 1.0
        barw = max(min(width - 6, 60), 10)
        parts = [(n, v, st) for n, v, st in (("weights", wts, "magenta"), ("runtime", reserved, "yellow"),
                                             ("KV cache", kv, "cyan"), ("free", free, "grey37")) if v]
        bar = Text("   ")
        bar.append_text(stacked_bar(parts, total, barw))
        lines.append(bar)
        legend = Text("   ")
        for n, v, st in parts:  # as many entries a line as the width holds
            item = f"{n} {v:,.1f} GB ({v / total:.0%})"
            if legend.cell_len > 3 and legend.cell_len + len(item) + 2 > width - 1:
                lines.append(legend)
                legend = Text("   ")
            legend.append("█ ", st)
            legend.append(item + "   ")
        lines.append(legend)
        notes = []
        if copies:
            notes.append("weights include the dense part on every expert-parallel rank")
        kvpt, conc, req = _num(sh, "kv_bytes_per_token"), _num(sh, "max_concurrency"), _num(sh, "bytes_per_request")
        if kvpt and conc and req:  # what one request holds: per token, and whole (windows and states included)
            notes.append(f"KV {kvpt / 1024:,.1f} KiB/token, {req / 2**20:,.1f} MiB a request here, {conc:,.0f} at once")
        for n in notes:
            lines.append(Text("   " + n, "dim"))
        fits = sh.get("fits")
        if fits is not None or sh.get("near_memory_limit") is not None:
            f = Text("   ")
            if fits is False:
                f.append("does not fit", "bold red")
            elif fits:
                f.append("fits", "green")
            if sh.get("near_memory_limit"):
                f.append("  near the memory limit", "yellow")
            lines.append(f)
        lines.append(Text(""))
    # deployment
    dep = []
    for key, label in (("precision", "precision"), ("gpus", "GPUs per replica"), ("replicas", "replicas"),
                       ("total_gpus", "GPUs in use"), ("billed_gpus", "GPUs billed"), ("nodes", "nodes"), ("gpus_per_node", "GPUs per node")):
        v = sh.get(key)
        if v is not None:
            why = (sh.get("choices") or {}).get(key)  # engine: fitted on this model; precision: as published
            dep.append(f"{label} {_int(v)}" + (f" ({why})" if why and why != "given" else ""))
    if dep or gpu:
        lines.append(Text("Deployment", "bold underline"))
        if gpu:
            lines.append(Text(f"   {gpu}"))
        lines += _packed(dep, width)
        if sh.get("engine"):  # on its own line: the profile and why it was chosen
            why = (sh.get("choices") or {}).get("engine")
            lines.append(Text(f"   engine {sh['engine']}" + (f" ({why})" if why and why != "given" else "")))
        lines.append(Text(""))
    # throughput and latency
    tput, slo = _num(sh, "output_tokens_per_s"), _num(sh, "slo_output_tokens_per_s")
    ttft, tpot = _num(sh, "ttft_ms"), _num(sh, "tpot_ms")
    if any(v is not None for v in (tput, slo, ttft, tpot)):
        lines.append(Text("Throughput and latency", "bold underline"))
        if tput is not None:
            said = f"{tput:,.0f} output tok/s per replica"
            if slo is not None and slo != tput:
                said += f" ({slo:,.0f} within the latency targets)"
            lines += _prose(said, width, style="")
        for name, v, target in (("TTFT", ttft, targets[0]), ("TPOT", tpot, targets[1])):
            if v is None:
                continue
            row = Text(f"   {name} {v:,.1f} ms")
            if target:
                ok = v <= target
                row.append(f"  target {target:g} ms ", "dim")
                row.append("ok" if ok else "missed", "green" if ok else "bold red")
            lines.append(row)
        if sh.get("slo_feasible") is False:
            lines.append(Text("   the latency targets cannot be met on this deployment", "bold red"))
        lines.append(Text(""))
    # cost split
    split = sh.get("cost_split") or {}
    split = {k: v for k, v in split.items() if not _n(v)}
    if split:
        lines.append(Text("Monthly cost split", "bold underline"))
        vmax = max(abs(float(v)) for v in split.values()) or 1.0
        for k, v in split.items():
            row = Text(f"   {k.replace('_', ' '):<12} {money(float(v), currency):>14} ")
            row.append_text(hbar(float(v), vmax, max(min(20, width - 1 - row.cell_len), 4), "cyan"))
            lines.append(row)
        if sh.get("price_source"):
            lines += _prose(str(sh["price_source"]), width)
        lines.append(Text(""))
    assumptions = sh.get("assumptions") or []
    if assumptions:
        lines.append(Text("Assumptions", "bold underline"))
        for a in assumptions:
            lines += _prose(str(a), width, first=" · ")
    lines += _quality(c, width)
    lines += _warnings(c, width)
    return _finish(lines)


def _int(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class DetailPane(Guarded, VerticalScroll):
    """Scrollable details of the highlighted candidate, rebuilt for its width on resize."""

    can_focus = True

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.builder: Callable[[int], Text] | None = None
        self.subject: str | None = None
        """The candidate shown."""
        self.report: Callable[[BaseException, str], None] | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="detail-body")

    def text_width(self) -> int:
        return max(self.size.width - 3, 40)

    def _build(self) -> Text:
        assert self.builder is not None
        builder = self.builder
        return safe_paint(lambda w, _h: builder(w), self.text_width(), 0, "detail of this candidate", self.report)

    def show(self, builder: Callable[[int], Text], subject: str | None = None,
             report: Callable[[BaseException, str], None] | None = None) -> None:
        """Show ``builder(width)``; called again with the new width when the pane is resized.
        A new ``subject`` (another candidate) starts at the top; the same one keeps the scroll."""
        self.builder = builder
        self.report = report
        self._update(self._build())
        if subject != self.subject:
            self.subject = subject
            self.scroll_home(animate=False, immediate=True)

    def _update(self, text: Text) -> None:
        body = self.query_one("#detail-body", Static)
        old = getattr(self, "_shown", None)
        if old is not None and old.plain == text.plain and old.spans == text.spans:
            return
        # a relayout only when the number of lines changes (the pane's width is fixed)
        same_height = old is not None and old.plain.count("\n") == text.plain.count("\n")
        self._shown = text
        body.update(text, layout=not same_height)

    def on_resize(self) -> None:
        if self.builder is not None:
            self._shown = None
            self._update(self._build())
