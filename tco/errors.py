"""Errors a user can act on: one line naming file, line, column and field, with a hint.

``tco: error: FILE:LINE:COL: field.path: message (hint)``
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_ECHO = 60
"""Characters of a user's value a message repeats; longer values are cut (a 5,000-character
id is not echoed whole)."""

_QUOTED = re.compile(r"(?<![\w…])'([^'\n]{%d,})'" % (MAX_ECHO + 1))
"""A quoted value: its opening quote follows no letter, digit or ellipsis (the closing quote of
'XYZ', of a value already cut to 'xxx…', and the apostrophe of "scenario's" do not open one)."""


def shorten(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis and its full length."""
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text):,} characters)"


def _cut_quoted(text: str) -> str:
    """Every quoted value in a message cut to :data:`MAX_ECHO` characters."""
    return _QUOTED.sub(lambda m: f"'{m.group(1)[:MAX_ECHO - 1]}…' ({len(m.group(1)):,} characters)", text)


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
        self.also: list[TcoError] = []
        """Further independent errors of the same input (a file's other mistakes), in order."""
        self.not_listed = 0
        """Errors beyond ``also`` that were counted but not kept."""
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
        text = _cut_quoted(": ".join(parts).replace("\n", " "))  # the user's values; the hint is ours
        if self.hint:
            text += f" ({self.hint})".replace("\n", " ")
        return text

    def __str__(self) -> str:
        return self.render()

    def all(self) -> list[TcoError]:
        """This error and the independent ones found with it."""
        return [self, *self.also]

    @classmethod
    def collect(cls, errors: list[TcoError], limit: int = 20) -> TcoError:
        """The first of ``errors`` carrying the others (at most ``limit`` in all)."""
        first = errors[0]
        first.also = list(errors[1:limit])
        first.not_listed = max(len(errors) - limit, 0)
        return first

    def located(self, file: str | None = None, line: int | None = None, col: int | None = None,
                field: str | None = None) -> TcoError:
        """The same error with a location filled in where it was missing."""
        err = TcoError(
            self.message,
            file=self.file or file,
            line=self.line if self.line is not None else line,
            col=self.col if self.col is not None else col,
            field=self.field or field,
            hint=self.hint,
        )
        err.also, err.not_listed = self.also, self.not_listed
        return err


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
    ``price unknown`` (it existed, its price then is not on record), ``from YYYY-MM-DD``
    (not launched yet on the date) or ``retired YYYY-MM-DD`` (shut down; its last day)."""
    if isinstance(err, Retired):
        return f"retired {err.available_from}"
    return PRICE_UNKNOWN if isinstance(err, UnknownPrice) else launch_text(err.available_from)


class Retired(NotAvailable):
    """The offer was shut down before the as-of date (``available_from`` is the last day)."""
