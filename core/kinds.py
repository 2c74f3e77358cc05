"""The one taxonomy of answer kinds. The question's analysis says which a question wants, the answer skills answer
some of them, `bot.Answer.kind` reports it. Gold files take any label (`eval.gold`), these among them."""

from __future__ import annotations

from typing import Literal

Kind = Literal[
    # What the answer is.
    "person",  # who holds a role, who did something
    "people",  # the participants of an event
    "organisation",
    "role",  # what a person does, and where
    "date",
    "place",
    "count",  # how many
    "yes-no",
    "purpose",
    "description",  # anything else
    # What the evidence must hold for an answer to be there at all (a question's `needs`).
    "quantity",  # a figure or an amount
    "email",
    "phone",
    "url",
]
