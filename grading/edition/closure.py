"""Which code of ``helpers`` a student edition ships: the closure of the names that its notebooks use.

Every top-level statement of a helpers module (a function, a class, a constant) is a node; it uses the
module's other top-level names and the names it imports from other helpers modules (``from .deep import
relu``, or ``deep.relu`` after ``from . import deep``). The edition ships the closure of its roots (the
names that the released notebooks use, and the shared tools): each module cut down to the statements
in the closure, with the imports those statements need. Nothing else of a reference module is there, so
a notebook's own exercises are not shipped unless something it uses needs them (an error), and the
earlier notebooks' answers that it needs are named (``revealed``).

Only the source is read (nothing is imported): the closure is what the code says, conservatively (a
module used as a whole, ``deep`` without an attribute, needs all of it).
"""
import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "helpers"


@dataclass(frozen=True)
class Statement:
    """One top-level statement of a module: what it binds and what it uses ({(module, name)})."""
    node: ast.stmt
    binds: frozenset
    uses: frozenset


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def absolute_module(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[:len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


class Package:
    """The top-level statements of every module of the helpers package (``checks`` aside)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.sources, self.trees = {}, {}
        for path in sorted(self.root.glob("*.py")):
            module = _module_name(path, self.root)
            self.sources[module] = path.read_text()
            self.trees[module] = ast.parse(self.sources[module])
        self.imports = {module: self._imports(module) for module in self.trees}
        self.stored = {module: set(_literal(tree, "AT_RELEASE", ())) for module, tree in self.trees.items()}
        self.aliases = {module: dict(_literal(tree, "ALSO_ANSWERS", {})) for module, tree in self.trees.items()}
        self.statements = {module: self._statements(module) for module in self.trees}

    def _imports(self, module: str) -> dict:
        """{bound name: (helpers module, name or None for the module itself)} of the module's helpers imports."""
        package = module if module == PACKAGE else module.rpartition(".")[0]
        found = {}
        for node in self.trees[module].body:
            if isinstance(node, ast.ImportFrom):
                target = absolute_module(node, package)
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if f"{target}.{alias.name}" in self.trees:
                        found[bound] = (f"{target}.{alias.name}", None)
                    elif target in self.trees:
                        found[bound] = (target, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in self.trees:
                        found[alias.asname or alias.name.split(".")[0]] = (alias.name, None)
        return found

    def _statements(self, module: str) -> list:
        imports, tree = self.imports[module], self.trees[module]
        top = {name for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))
               for name in binds(node)}
        statements = []
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            original = node
            if binds(node) & self.stored[module]:       # stored at release: only its result's type is needed
                node = ast.Expression(getattr(node, "returns", None) or ast.Constant(None))
            uses, attributed = set(), set()
            for child in ast.walk(node):
                if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
                    target = imports.get(child.value.id)
                    if target and target[1] is None:
                        uses.add((target[0], child.attr))
                        attributed.add(id(child.value))
            for child in ast.walk(node):
                if isinstance(child, ast.Name) and id(child) not in attributed:
                    if child.id in top:
                        uses.add((module, child.id))
                    elif child.id in imports:
                        target = imports[child.id]
                        uses.add(target if target[1] is not None else (target[0], "*"))
            statements.append(Statement(original, frozenset(binds(original)), frozenset(uses)))
        return statements

    def answers(self, module: str, name: str) -> str:
        """The exercise that module.name answers, by its name (ALSO_ANSWERS, else its own name)."""
        return self.aliases.get(module, {}).get(name, name)

    def names(self, module: str) -> set:
        return {name for statement in self.statements[module] for name in statement.binds}

    def closure(self, roots) -> set:
        """Every (module, name) that the `roots` need, themselves included."""
        needed, todo = set(), list(roots)
        while todo:
            module, name = todo.pop()
            if (module, name) in needed or module not in self.statements:
                continue
            needed.add((module, name))
            for statement in self.statements[module]:
                if name == "*" or name in statement.binds or not statement.binds:
                    todo.extend(use for use in statement.uses if use not in needed)
                    todo.extend((module, bound) for bound in statement.binds if (module, bound) not in needed)
        return {(module, name) for module, name in needed if name != "*"}

    def source(self, module: str, names: set) -> str:
        """The module's source with the statements that bind `names` (and those that bind nothing), and the
        imports they need."""
        statements = [s for s in self.statements[module] if not s.binds or s.binds & names]
        loaded = {child.id for s in statements if not s.binds & self.stored[module]
                  for child in ast.walk(s.node) if isinstance(child, ast.Name)}
        kept = {id(s.node) for s in statements}
        lines = self.sources[module].splitlines()
        stored = self.stored[module] & names
        out = []
        for node in self.trees[module].body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                text = self._import_line(module, node, loaded)
                if text:
                    out.append(text)
            elif id(node) in kept and binds(node) & stored:
                out.append(f'{node.name} = _tape.recorded("{node.name}")  # its result, computed at release')
            elif id(node) in kept:
                out.append("\n".join(lines[first_line(node) - 1:node.end_lineno]))
        if stored:
            at = next(i for i, block in enumerate(out) if not block.startswith(("from __future__", '"' * 3)))
            out[at:at] = ["from .checks.tape import current as _current_tape", "_tape = _current_tape(__name__)"]
        return "\n".join(_spaced(out)) + "\n"

    def _import_line(self, module: str, node, loaded: set) -> str:
        """The import statement with only the helpers names that the kept code loads (others are kept whole)."""
        helpers_names = [a for a in node.names if (a.asname or a.name.split(".")[0]) in self.imports[module]]
        if not helpers_names:
            return ast.unparse(node)
        names = [a for a in node.names if a not in helpers_names or (a.asname or a.name.split(".")[0]) in loaded]
        if not names:
            return ""
        return ast.unparse(type(node)(**{**{f: getattr(node, f) for f in node._fields}, "names": names}))


def _literal(tree, name: str, default):
    """The literal value of a module's top-level constant `name`, which a module declares for the edition:
    AT_RELEASE, the functions whose result (called without arguments) the edition stores in place of their code;
    ALSO_ANSWERS, {function: the exercise whose answer it computes under another name}."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    return default


def binds(node) -> set:
    """The names a top-level statement binds (an import's too: its first dotted part)."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def first_line(node) -> int:
    """The first line of a statement, its decorators included."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _spaced(blocks: list) -> list:
    """Blocks of source joined as a module is laid out: two blank lines around definitions."""
    out = []
    for block in blocks:
        if out and (block.lstrip().startswith(("def ", "class ", "@")) or out[-1].lstrip().startswith(
                ("def ", "class ", "@"))):
            out.append("\n")
        out.append(block)
    return out
