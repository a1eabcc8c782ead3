"""Independently written solutions of the exercises, one module per notebook named like its check
module (shallow.py for helpers.checks.shallow), written from the formulas of the notebooks (not by
calling helpers' references), so that a test that feeds them to the checks does not compare the
reference with itself. Each module has SOLUTIONS = {exercise name: function}.

SOLUTIONS: {check module name: that module's SOLUTIONS}, for every module of this package."""
import importlib
import pkgutil

SOLUTIONS = {info.name: importlib.import_module(f"{__name__}.{info.name}").SOLUTIONS
             for info in pkgutil.iter_modules(__path__)}
