"""``tco catalog update`` and ``tco catalog check``: what an import changed, and the curated
layer against the imported one, as text or JSON."""

from __future__ import annotations

import json
from typing import Any

from ..catalog.check import Check, Field, Row
from ..catalog.update import Update
from .text import fit_table, hidden_note


def _v(v: Any) -> str:
    if v is None:
        return "-"
    return f"{v:g}" if isinstance(v, float) else str(v)


def update_data(up: Update) -> dict[str, Any]:
    res, d = up.result, up.diff
    return {
        "schema_version": 1, "catalog": "genai-prices", "version": res.version,
        "known_by": res.known.day.isoformat(), "known_by_how": res.known.how, "target": str(up.target),
        "written": up.written,
        "counts": {"offers": res.offers, "providers": len(res.provider_files), "points": res.points,
                   "models_added": len(res.models), "continues_curated": len(res.links),
                   "undated_dropped": len(res.undated_dropped), "retired": res.retired,
                   "retired_unpriced": res.retired_unpriced, "skipped_models": sum(
                       1 for s in res.skipped if s.model is not None),
                   "skipped_providers": sum(1 for s in res.skipped if s.model is None),
                   "new": len(d.new), "removed": len(d.removed), "shut_down": len(d.shut_down),
                   "changed": len(d.changed),
                   "unchanged": d.unchanged},
        "new": d.new, "removed": d.removed, "shut_down": d.shut_down, "changed": d.changed,
        "models_new": d.models_new, "models_removed": d.models_removed,
        "continues": dict(sorted(res.links.items())),
        "undated_dropped": res.undated_dropped,
        "skipped": dict(res.skip_counts().most_common()),
        "messages": res.messages,
    }


def render_update(up: Update, fmt: str = "table") -> str:
    data = update_data(up)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    c = data["counts"]
    verb = "wrote" if up.written else "would write (--dry-run)"
    lines = [f"genai-prices {data['version']}: {verb} {data['target']}",
             f"  undated prices dated {data['known_by']}: {data['known_by_how']}",
             f"  {c['offers']} offers from {c['providers']} providers, {c['points']} price points, {c['models_added']} "
             f"models added; {c['continues_curated']} continue a curated offer; {c['undated_dropped']} undated "
             "prices superseded by a start date left out",
             f"  shut down: {c['retired']} offers priced up to their shutdown day, {c['retired_unpriced']} shut down "
             "before any of their prices can be dated (kept without prices: naming one says when)",
             f"  changes: {c['new']} new offers, {c['changed']} with changed prices, {c['removed']} removed, "
             f"{c['shut_down']} shut down, "
             f"{c['unchanged']} unchanged; models: {len(data['models_new'])} new, {len(data['models_removed'])} "
             "removed"]
    if data["changed"]:
        lines.append("changed prices:")
        for oid, changes in data["changed"].items():
            lines += [f"  {oid}: {line}" for line in changes]
    for title, key in (("new offers", "new"), ("removed offers", "removed"),
                       ("shut down (kept without prices: naming one says when)", "shut_down")):
        if data[key]:
            lines.append(f"{title}:")
            lines += [f"  {oid}" for oid in data[key]]
    lines.append(f"not imported: {c['skipped_models']} models, {c['skipped_providers']} providers")
    lines += [f"  {n:4d}  {why}" for why, n in data["skipped"].items()]
    if data["messages"]:
        lines.append("decisions:")
        lines += [f"  {m}" for m in data["messages"]]
    return "\n".join(lines) + "\n"


def _field(f: Field) -> dict[str, Any]:
    return {"name": f.name, "curated": f.curated, "imported": f.imported}


def row_data(r: Row) -> dict[str, Any]:
    return {"offer": r.offer, "date": r.date.isoformat(), "verdict": r.verdict,
            "differ": [_field(f) for f in r.differ], "one_side": [_field(f) for f in r.one_side],
            "curated_from": r.curated_from.isoformat() if r.curated_from else None,
            "imported_from": r.imported_from.isoformat() if r.imported_from else None,
            "curated_source": r.curated_source, "imported_source": r.imported_source, "note": r.note}


def render_check(chk: Check, fmt: str = "table", width: int | None = None) -> str:
    counts = chk.counts()
    if fmt == "json":
        return json.dumps({"schema_version": 1, "counts": counts, "rows": [row_data(r) for r in chk.rows],
                           "apart": [vars(a) for a in chk.apart],
                           "stale_notes": [{"offer": o, "date": d.isoformat()} for o, d in chk.stale_notes]},
                          indent=2, ensure_ascii=False) + "\n"
    head = (f"Curated versus imported prices: {counts['offers']} offers in both; per date: {counts['agree']} agree, "
            f"{counts['differ']} differ ({counts['explained']} explained), {counts['curated only']} curated only, "
            f"{counts['imported only']} imported only, {counts['after retirement']} after the curated retirement "
            "(not continued)\n")
    rows = []
    for r in chk.rows:
        what = "; ".join(f"{f.name} {_v(f.curated)} vs {_v(f.imported)}" for f in r.differ)
        if r.one_side:
            what += ("; " if what else "") + "one side only: " + ", ".join(
                f"{f.name} {_v(f.curated if f.curated is not None else f.imported)} "
                f"({'curated' if f.curated is not None else 'imported'})" for f in r.one_side)
        if r.verdict == "after retirement":
            what = r.note or ""
        rows.append({"offer": r.offer, "date": r.date.isoformat(), "verdict": r.verdict, "curated vs imported": what})
    cols = ["offer", "date", "verdict", "curated vs imported"]
    lines, hidden = fit_table(rows, [(c, c, "<") for c in cols], width)
    out = head + "\n".join(lines + ([hidden_note(hidden)] if hidden else [])) + "\n"
    differ = [r for r in chk.rows if r.verdict == "differ"]
    if differ:
        out += "\nDifferences (curated / imported source; why)\n"
        for r in differ:
            why = r.note or "UNEXPLAINED: fix the curated figure or add a note to check-notes.yaml"
            out += (f"  {r.offer} {r.date}: curated {r.curated_source} (from {r.curated_from}); imported "
                    f"{r.imported_source} (from {r.imported_from})\n    why: {why}\n")
    if chk.apart:
        out += "\nSame API name, another price list (not compared)\n"
        out += "".join(f"  {a.curated} / {a.imported}: {a.why}\n" for a in chk.apart)
    if chk.stale_notes:
        out += "\nNotes in check-notes.yaml that explain no difference any more\n"
        out += "".join(f"  {o} {d}\n" for o, d in chk.stale_notes)
    return out
