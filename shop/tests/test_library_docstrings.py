"""shop/library_docstrings.py: functions, classes and modules lose their docstrings and nothing
else."""

from __future__ import annotations

import importlib.util
import textwrap

from shop.library_docstrings import LibraryLoader, is_library, without_docstrings

SOURCE = textwrap.dedent(
    '''
    """The module's docstring."""

    def documented(number):
        """Doubles."""
        def inner():
            """Nested."""
            return number
        return 2 * inner()

    def shares_its_docstring():
        "same"
        return "same"

    def keywords():
        """Calls with a keyword."""
        return dict(same=1)

    class Documented:
        """The class's docstring."""

        def method(self):
            """A method's."""
            return [letter for letter in "ab"], (lambda: "lambda")()

        @property
        def value(self):
            """A property's."""
            return 42

    class Undocumented:
        value = "The class's docstring."
    '''
)

# Kept wherever something names __doc__ (conservatively: anywhere in the body or its methods).
READING = textwrap.dedent(
    '''
    """Kept: a method below names __doc__."""

    class ReadsItsDocstring:
        """Kept: a method reads it."""

        def describe(self):
            return self.__doc__

    class ExtendsItsDocstring:
        """Kept: the body reads it."""
        __doc__ += " Extended."
    '''
)

READS_THE_MODULE_DOCSTRING = '''"""Kept: a function reads it."""

def usage():
    return __doc__
'''


def load(source: str, name: str = "module") -> dict:
    namespace: dict = {}
    exec(without_docstrings(compile(source, f"{name}.py", "exec")), namespace)  # noqa: S102
    return namespace


def test_functions_classes_and_modules_lose_their_docstrings_and_behave_as_before():
    module = load(SOURCE)
    assert module["__doc__"] is None
    assert module["documented"].__doc__ is None
    assert module["documented"](4) == 8
    assert module["documented"].__code__.co_consts[0] is None
    assert module["keywords"]() == {"same": 1}
    documented = module["Documented"]
    assert documented.__doc__ is None
    assert module["Undocumented"].value == "The class's docstring."  # a constant, not a docstring
    assert documented.method.__doc__ is None
    assert documented().method() == (["a", "b"], "lambda")
    assert documented.value.__doc__ is None
    assert documented().value == 42


def test_a_docstring_read_is_kept():
    module = load(READING)
    assert module["__doc__"] == "Kept: a method below names __doc__."
    assert module["ReadsItsDocstring"]().describe() == "Kept: a method reads it."
    assert module["ExtendsItsDocstring"].__doc__ == "Kept: the body reads it. Extended."
    assert load(READS_THE_MODULE_DOCSTRING)["usage"]() == "Kept: a function reads it."


def test_a_constant_the_function_loads_is_kept():
    function = load(SOURCE)["shares_its_docstring"]
    assert function() == "same"
    assert function.__doc__ == "same"  # kept: the docstring is the constant it returns


def test_nested_functions_lose_theirs():
    documented = load(SOURCE)["documented"]
    inner = next(c for c in documented.__code__.co_consts if getattr(c, "co_name", "") == "inner")
    assert inner.co_consts[0] is None


def test_the_loader_drops_them_in_libraries_only(tmp_path):
    library = tmp_path / "site-packages" / "boutique_library_module.py"
    ours = tmp_path / "shop_code" / "boutique_our_module.py"
    for path in (library, ours):
        path.parent.mkdir()
        path.write_text(SOURCE)
    assert is_library(str(library)) and not is_library(str(ours))
    loaded = {}
    for path in (library, ours):
        loader = LibraryLoader(path.stem, str(path))
        spec = importlib.util.spec_from_file_location(path.stem, path, loader=loader)
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        loaded[path] = module
    assert loaded[library].documented.__doc__ is None
    assert loaded[library].documented(1) == 2
    assert loaded[ours].documented.__doc__ == "Doubles."
