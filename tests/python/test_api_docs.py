"""Every public class, function, method and property of `tsunagi` has a docstring of its own
(pybind11's generated signature line alone does not count): help() in Jupyter must explain it."""
import inspect

import tsunagi as ts


def _own_doc(name, obj):
    doc = inspect.getdoc(obj) or ""
    lines = [line for line in doc.splitlines() if line.strip()]
    # pybind11 puts "name(self: ...) -> type" first; a docstring of its own follows it.
    if lines and lines[0].startswith(name + "(") and "->" in lines[0]:
        lines = lines[1:]
    return bool(lines)


def _members(cls):
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property) or callable(value) or type(value).__name__ in (
                "instancemethod", "builtin_function_or_method"):
            yield name, value


def test_every_public_member_has_a_docstring():
    missing = []
    for name in ts.__all__:
        obj = getattr(ts, name)
        if not (inspect.isclass(obj) or callable(obj)):
            continue
        if not _own_doc(name, obj):
            missing.append(name)
        if inspect.isclass(obj):
            if issubclass(obj, BaseException) or hasattr(obj, "__members__"):  # errors, enums
                continue
            for member, value in _members(obj):
                if not _own_doc(member, value):
                    missing.append(f"{name}.{member}")
    assert not missing, "no docstring: " + ", ".join(missing)
