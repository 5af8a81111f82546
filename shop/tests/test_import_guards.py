"""shop/import_guards.py's stand-ins, on a module of the test's own."""

from __future__ import annotations

import sys
import textwrap

import pytest

from shop.import_guards import deferred, hidden, imported_when_used

MODULE = "boutique_guarded_module"


@pytest.fixture
def module_on_path(tmp_path, monkeypatch):
    (tmp_path / f"{MODULE}.py").write_text(
        textwrap.dedent(
            """
            import sys
            VALUE = 42
            class Inner:
                name = "inner"
            def double(number):
                return 2 * number
            sys.modules[__name__].imported = True
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop(MODULE, None)


def test_imported_when_used_loads_the_module_at_its_first_attribute(module_on_path):
    with imported_when_used(MODULE):
        import boutique_guarded_module as guarded

        assert MODULE in sys.modules
    assert MODULE not in sys.modules  # not loaded: nothing read from it yet
    assert guarded.VALUE == 42  # a constant, a class's attribute and a function: the real ones
    assert guarded.Inner.name == "inner"
    assert guarded.double(4) == 8
    assert sys.modules[MODULE].imported is True


def test_imported_when_used_read_within_the_block_loads_the_real_module(module_on_path):
    with imported_when_used(MODULE):
        import boutique_guarded_module as guarded

        assert guarded.VALUE == 42
        assert sys.modules[MODULE].imported is True


def test_imported_when_used_leaves_an_imported_module_alone(module_on_path):
    import boutique_guarded_module as real

    with imported_when_used(MODULE):
        import boutique_guarded_module as again
    assert again is real


def test_deferred_calls_the_real_function_and_hidden_refuses_the_import(module_on_path):
    with deferred(MODULE):
        from boutique_guarded_module import double
    assert MODULE not in sys.modules
    assert double(5) == 10
    sys.modules.pop(MODULE)
    with hidden(MODULE), pytest.raises(ImportError):
        import boutique_guarded_module  # noqa: F401
    import boutique_guarded_module  # noqa: F401, E402  (afterwards, as usual)


PACKAGE = "boutique_guarded_package"


@pytest.fixture
def package_on_path(tmp_path, monkeypatch):
    """A package whose __init__ imports a heavy submodule that another of its submodules does
    not need (redis-py's `redis.asyncio`, which its synchronous commands import a part of)."""
    package = tmp_path / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text(
        "from .heavy import HEAVY\nfrom .light import Light\nINITIALISED = True\n"
    )
    (package / "heavy.py").write_text("HEAVY = 'heavy'\n")
    (package / "light.py").write_text("import os\nLIGHT = 'light'\nclass Light:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_imported_when_used_package_imports_a_submodule_without_its_init(package_on_path):
    with imported_when_used(PACKAGE):
        import boutique_guarded_package as guarded
        from boutique_guarded_package.light import LIGHT
    assert LIGHT == "light"
    assert f"{PACKAGE}.heavy" not in sys.modules  # its __init__ has not run
    # Imported again after the block (by name, as a library would): still the stand-in, whose
    # first other name read runs the real __init__, which then knows the submodule imported.
    from boutique_guarded_package import HEAVY

    assert HEAVY == "heavy"
    assert guarded.INITIALISED is True
    real = sys.modules[PACKAGE]
    assert real is not guarded and real.light is sys.modules[f"{PACKAGE}.light"]
    import boutique_guarded_package.light as again

    assert again.LIGHT == "light"


def test_imported_when_used_answers_a_reexported_class_from_its_submodule(package_on_path):
    with imported_when_used(PACKAGE, reexports_of=f"{PACKAGE}.light"):
        import boutique_guarded_package as guarded
        from boutique_guarded_package import Light
    assert Light is sys.modules[f"{PACKAGE}.light"].Light
    assert f"{PACKAGE}.heavy" not in sys.modules
    with pytest.raises(AttributeError):  # imported by the submodule, not defined there: asked
        guarded.os  # noqa: B018  (of the real package, which has no such name)
    assert f"{PACKAGE}.heavy" in sys.modules
    assert guarded.HEAVY == "heavy"
    assert sys.modules[PACKAGE].Light is Light
