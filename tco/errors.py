"""Errors a user can act on: one line naming file, line, column and field, with a hint.

``tco: error: FILE:LINE:COL: field.path: message (hint)``
"""

from __future__ import annotations


from collections.abc import Iterable


class TcoError(Exception):
    """An error caused by input (a file, a flag, an id). The CLI prints ``str(err)`` and exits 2."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        col: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        self.field = field
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        parts = []
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.col is not None:
                    where += f":{self.col}"
            parts.append(where)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        text = ": ".join(parts)
        if self.hint:
            text += f" ({self.hint})"
        return text.replace("\n", " ")

    def __str__(self) -> str:
        return self.render()

    def located(self, file: str | None = None, line: int | None = None, col: int | None = None,
                field: str | None = None) -> TcoError:
        """The same error with a location filled in where it was missing."""
        return TcoError(
            self.message,
            file=self.file or file,
            line=self.line if self.line is not None else line,
            col=self.col if self.col is not None else col,
            field=self.field or field,
            hint=self.hint,
        )


def lookup(mapping: dict[str, object], key: str, what: str, listing: str | None = None) -> object:
    """``mapping[key]``, or a ``TcoError`` 'unknown WHAT' with the closest ids, else where to list
    them (``listing``, a command) or, for a short list, the ids themselves."""
    try:
        return mapping[key]
    except KeyError:
        fallback = f"see `{listing}`" if listing else "known: " + ", ".join(sorted(mapping))
        raise TcoError(f"unknown {what} {key!r}", hint=did_you_mean(key, mapping) or fallback) from None


def did_you_mean(word: str, choices: Iterable[str], n: int = 3) -> str | None:
    """A 'did you mean ...?' hint, or None when nothing is close."""
    import difflib

    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=n, cutoff=0.5)
    if len(close) > 1:  # keep only the matches about as close as the best one
        ratio = [difflib.SequenceMatcher(None, word, c).ratio() for c in close]
        close = [c for c, r in zip(close, ratio, strict=True) if r >= ratio[0] - 0.08]
    norm = word.strip().lower()
    exact = [c for c in choices if c.lower() == norm and c != word]
    if exact:  # 'OpenAI/GPT-4o', ' openai/gpt-4o '
        return f"did you mean {exact[0]!r}?"
    # an id the word is the start of ('llama-3.1-70b' -> 'llama-3.1-70b-instruct') comes first
    longer = sorted((c for c in choices if word and c.startswith(word) and c != word), key=len)[:n]
    close = (longer + [c for c in close if c not in longer])[:n]
    if not close:
        low = word.lower()
        close = [c for c in choices if low and (low in c.lower() or c.lower().split("/")[-1] in low)][:n]
    if not close:
        return None
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


class NotAvailable(TcoError):
    """A lookup dated before an offer existed (or before its first recorded price)."""

    def __init__(self, message: str, available_from: object, **kw: object) -> None:
        self.available_from = available_from
        super().__init__(message, **kw)  # type: ignore[arg-type]

    def located(self, file: str | None = None, line: int | None = None, col: int | None = None,
                field: str | None = None) -> TcoError:
        err = type(self)(self.message, self.available_from, file=self.file or file,
                           line=self.line if self.line is not None else line,
                           col=self.col if self.col is not None else col, field=self.field or field,
                           hint=self.hint)
        return err


class UnknownPrice(NotAvailable):
    """An offer that existed on the date (or whose launch date is not on record), but whose
    price then is not on record (``available_from`` is the first recorded price's date)."""


PRICE_UNKNOWN = "price unknown"
"""What every output says of an offer that existed on the date but whose price then is unknown."""


def launch_text(available_from: object) -> str:
    """What every output says of an offer (or model) not launched yet on the date: ``from YYYY-MM-DD``."""
    return f"from {available_from}"


def availability_text(err: NotAvailable) -> str:
    """The one wording of catalog lists, estimates and the app for a lookup without a price:
    ``price unknown`` (it existed, its price then is not on record) or ``from YYYY-MM-DD``
    (not launched yet on the date)."""
    return PRICE_UNKNOWN if isinstance(err, UnknownPrice) else launch_text(err.available_from)
