"""Back-of-the-envelope estimates in machine-readable form: named inputs, a formula over them, the value.

A formula is plain arithmetic (`+ - * / **`, parentheses, numbers and the input names), checked with the
`ast` module and evaluated by walking the tree; nothing is ever passed to `eval`. `figures_in` reads the
numbers a sentence states ("500 million", "50K", "$250K", "1%"), so an input said to come from a hidden
fact can be checked against the fact's text.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

Source = Literal["fact", "assumption", "derived"]

MAX_FORMULA_CHARS = 400

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_NUMBER_TEXT = re.compile(r"^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class FormulaError(ValueError):
    """A formula that is not plain arithmetic over its inputs, or that cannot be evaluated."""


def _number(raw: Any) -> Any:
    """Accept numbers and numeric text such as `500e6` (YAML reads that as a string); refuse booleans."""
    if isinstance(raw, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(raw, str):
        if not _NUMBER_TEXT.match(raw.strip()):
            raise ValueError(f"expected a number such as 500e6 or 500000000, got {raw!r}")
        return float(raw.strip().replace("_", ""))
    return raw


Number = Annotated[float, BeforeValidator(_number), Field(allow_inf_nan=False)]


def formula_names(formula: str) -> set[str]:
    """The names a formula uses. Raises `FormulaError` unless it is plain arithmetic."""
    if len(formula) > MAX_FORMULA_CHARS:
        raise FormulaError(f"formula is longer than {MAX_FORMULA_CHARS} characters")
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"formula is not an arithmetic expression: {exc.msg}") from None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise FormulaError(f"formula may only contain numbers, not {node.value!r}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise FormulaError(f"formula may only use + - * / **, not {type(node.op).__name__}")
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                raise FormulaError(f"formula may only use unary + and -, not {type(node.op).__name__}")
        elif not isinstance(node, ast.Expression | ast.operator | ast.unaryop | ast.expr_context):
            raise FormulaError(f"formula may only use arithmetic, not {type(node).__name__}")
    return names


def evaluate(formula: str, values: Mapping[str, float]) -> float:
    """The value of a checked formula for `values` (every name it uses must be there)."""
    names = formula_names(formula)
    missing = sorted(names - set(values))
    if missing:
        raise FormulaError(f"formula uses names that are not inputs: {', '.join(missing)}")

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            return float(values[node.id])
        if isinstance(node, ast.UnaryOp):
            return _UNARY[type(node.op)](walk(node.operand))
        if isinstance(node, ast.BinOp):
            return _BINARY[type(node.op)](walk(node.left), walk(node.right))
        raise FormulaError(f"unexpected {type(node).__name__}")  # formula_names already refused it

    try:
        result = walk(ast.parse(formula.strip(), mode="eval"))
    except (ZeroDivisionError, OverflowError) as exc:
        raise FormulaError(f"formula cannot be evaluated: {exc}") from None
    if isinstance(result, complex) or not math.isfinite(result):
        raise FormulaError("formula does not give a finite real number")
    return result


class EstimateInput(BaseModel):
    """One number an estimate starts from, and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="a Python identifier")
    value: Number
    unit: str = Field(min_length=1, max_length=40)
    source: Source = Field(
        alias="from",
        description="fact: a hidden fact states it; assumption: the candidate's own choice; "
        "derived: the result of an earlier estimate of the same question",
    )

    @model_validator(mode="after")
    def _not_a_keyword(self) -> EstimateInput:
        if keyword.iskeyword(self.name):
            raise ValueError(f"input name {self.name!r} is a Python keyword")
        return self


class Estimate(BaseModel):
    """A back-of-the-envelope number: the arithmetic in words, and its inputs, formula and value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    arithmetic: str
    result: str
    inputs: list[EstimateInput]
    formula: str = Field(min_length=1)
    value: Number
    unit: str = Field(min_length=1, max_length=40)

    @model_validator(mode="after")
    def _formula_over_the_inputs(self) -> Estimate:
        names = [i.name for i in self.inputs]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"input names repeat: {', '.join(repeated)}")
        used = formula_names(self.formula)
        unknown = sorted(used - set(names))
        if unknown:
            raise ValueError(f"formula uses names that are not inputs: {', '.join(unknown)}")
        unused = [n for n in names if n not in used]
        if unused:
            raise ValueError(f"inputs the formula does not use: {', '.join(unused)}")
        return self

    def computed(self) -> float:
        """The formula evaluated on the inputs; compare it with `value`."""
        return evaluate(self.formula, {i.name: i.value for i in self.inputs})


# --- Numbers as prose states them ---------------------------------------------------------------------

_MAGNITUDES = {
    "k": 1e3,
    "m": 1e6,
    "b": 1e9,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}
_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
}
_FIGURE = re.compile(
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>[KMB](?![A-Za-z]))?"
    r"(?:\s*(?P<word>thousand|million|billion|trillion)\b)?"
    r"(?P<percent>\s*%)?",
    re.IGNORECASE,
)


def figures_in(text: str) -> list[float]:
    """Every number `text` states, scaled by its magnitude: "500 million" is 5e8, "50K" 5e4, "$250K"
    2.5e5, "200 ms" 200, "four times" 4. A percentage gives both readings, "1%" as 1 and as 0.01."""
    found: list[float] = []
    for match in _FIGURE.finditer(text):
        value = float(match["digits"].replace(",", ""))
        for scale in (match["suffix"], match["word"]):
            if scale:
                value *= _MAGNITUDES[scale.lower()]
        found.append(value)
        if match["percent"]:
            found.append(value / 100)
    found += [float(_WORD_NUMBERS[w]) for w in re.findall(r"[a-z]+", text.lower()) if w in _WORD_NUMBERS]
    return found
