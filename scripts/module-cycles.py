#!/usr/bin/env python3
"""List module-level import cycles in every crate of the cargo workspace.

Usage: scripts/module-cycles.py [--allow NAME,NAME,...]... [--order CRATE=M1,M2,...]...
                                [--edges] [--quiet]
       scripts/module-cycles.py --self-test     (checks the resolver on a small fixture)

Exits 1 when some crate has an import cycle (or an --order violation) that no --allow entry
covers, else 0.

Why a script: `cargo-modules dependencies --acyclic` does this properly, but it builds
rust-analyzer's crates (hundreds of them), which is far too slow on the build machines;
this needs python3 only (stdlib), runs in well under a second, and reads the same source
the compiler does (no macro expansion, no cfg evaluation: every cfg branch counts).

Granularity: one node per source *file* (a file module). Inline modules (`mod tests { .. }`,
`mod iscsi_if { include!(..) }`) belong to the file that holds them, so a test module that
imports a sibling counts as its file importing it. Every crate target cargo lists (lib,
bins, tests, examples, benches, build script) is a crate of its own, with its own graph;
paths into other crates (`iscsi_decode::..`, `std::..`) are not edges.

What is an edge A -> B (file A depends on file B):
  * a `use` in A whose path resolves to an item of B or to module B itself;
  * a path in A's code (`crate::a::b::f()`, `super::x::T`, `self::m::C`, `child::f()` where
    `child` is a module declared in A's module) that resolves the same way.
What is not an edge:
  * `mod child;` -- a parent declaring its children;
  * a `pub use` (or `pub(crate) use`) that A only re-exports -- it is a facade entry, like
    the `mod` declaration it usually sits next to.  It becomes an edge when A's own code
    also names what it imports.  Paths that reach an item through a re-export (e.g.
    `crate::decode::Runner` with `pub use run::Runner;` in decode/mod.rs) are resolved
    through it to the file that defines the item (decode/run.rs), so a child using its
    parent's *re-exports* does not depend on the parent; a child using an item the parent
    *defines* (`super::Fact` with `struct Fact` in mod.rs) does.
  * a file naming its own items.

Each strongly connected component of more than one file is printed with the edges inside
it and the first line of each (file:line path).  --allow takes a comma-separated list of
files (relative to the workspace root) or modules (`crate::emit`); a component whose
members are all in one --allow list is reported as allowed and does not fail the run.

--order CRATE=M1,M2,... names top-level modules of the crate whose library or binary is
CRATE (`iscsi_decode`), lowest first: a file of Mi importing a file of Mj with j > i is
reported as an ORDER violation (allowed when both `crate::Mi` and `crate::Mj` are in one
--allow list).  Modules not named are not checked.  --edges prints the whole graph.

Limits (it reads paths, not types): a method call (`syms.eval(..)`) is no edge, so an
`impl T` block in another file than `T` is seen only through the paths that file names;
macros are not expanded (a path inside a `macro_rules!` body counts for the file that
defines the macro); `#[path]` attributes are not followed; every `cfg` branch counts.
"""

import json
import os
import re
import subprocess
import sys
from collections import defaultdict

ITEM_KEYWORDS = {"fn", "struct", "enum", "trait", "type", "const", "static", "union", "mod"}
IDENT_START = re.compile(r"[A-Za-z_]")
IDENT_CHAR = re.compile(r"[A-Za-z0-9_]")


def tokenize(text):
    """Tokens (kind, value, line) of Rust source: 'id' identifiers, 'p' punctuation.

    Comments, string/char literals, lifetimes and numbers are dropped; `::` is one token.
    """
    toks = []
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    line += text[i] == "\n"
                    i += 1
        elif c in "rbc" and re.match(r"(?:br|cr|r)#*\"", text[i:i + 260]):
            m = re.match(r"(?:br|cr|r)(#*)\"", text[i:])
            close = '"' + m.group(1)
            j = text.find(close, i + m.end())
            j = n if j < 0 else j + len(close)
            line += text.count("\n", i, j)
            i = j
        elif c == '"' or (c in "bc" and text.startswith('"', i + 1)):
            i += 1 if c == '"' else 2
            while i < n and text[i] != '"':
                if text[i] == "\\":
                    i += 1
                line += i < n and text[i] == "\n"
                i += 1
            i += 1
        elif c == "'" or (c == "b" and text.startswith("'", i + 1)):
            i += 1 if c == "'" else 2
            if i < n and text[i] == "\\":
                j = text.find("'", i + 2)
                i = n if j < 0 else j + 1
            elif i + 1 < n and text[i + 1] == "'":
                i += 2  # 'x'
            else:
                while i < n and IDENT_CHAR.match(text[i]):
                    i += 1  # a lifetime or label
        elif text.startswith("r#", i) and i + 2 < n and IDENT_START.match(text[i + 2]):
            j = i + 2
            while j < n and IDENT_CHAR.match(text[j]):
                j += 1
            toks.append(("id", text[i + 2:j], line))
            i = j
        elif IDENT_START.match(c):
            j = i
            while j < n and IDENT_CHAR.match(text[j]):
                j += 1
            toks.append(("id", text[i:j], line))
            i = j
        elif c.isdigit():
            while i < n and IDENT_CHAR.match(text[i]):
                i += 1
        elif text.startswith("::", i):
            toks.append(("p", "::", line))
            i += 2
        else:
            toks.append(("p", c, line))
            i += 1
    return toks


class Module:
    """One module (file or inline) of a crate."""

    def __init__(self, path, file, directory, parent):
        self.path = path  # tuple of names from the crate root
        self.file = file  # the file holding it
        self.dir = directory  # where its `mod x;` children live
        self.parent = parent
        self.children = {}  # name -> Module
        self.defined = set()  # names of items defined directly in it
        self.uses = []  # (name or None for a glob, segments, is_pub, line)


class Crate:
    """The module tree of one crate target, with the paths each file names."""

    def __init__(self, root_file):
        self.root = Module((), root_file, os.path.dirname(root_file), None)
        self.files = []
        self.paths = []  # (module, segments, line, file) found in code
        self.used_idents = defaultdict(set)  # file -> identifiers named outside `use`
        self.load(self.root, root_file)

    def load(self, module, file):
        """Read `file` as the body of `module`, following `mod x;` and include!("..")."""
        self.files.append(file)
        with open(file, encoding="utf-8") as f:
            toks = tokenize(f.read())
        self.scan(module, file, toks)

    def scan(self, module, file, toks):
        stack = [(module, 0)]  # (module, brace depth of its body)
        depth = 0
        i, n = 0, len(toks)
        while i < n:
            kind, val, line = toks[i]
            cur = stack[-1][0]
            at_item_level = depth == stack[-1][1]
            prev = toks[i - 1][1] if i else None
            if kind == "p":
                if val == "{":
                    depth += 1
                elif val == "}":
                    depth -= 1
                    if len(stack) > 1 and depth < stack[-1][1]:
                        stack.pop()
                i += 1
                continue
            nxt = toks[i + 1] if i + 1 < n else ("p", "", line)
            if val == "mod" and nxt[0] == "id" and i + 2 < n:
                name = nxt[1]
                cur.defined.add(name)
                after = toks[i + 2][1]
                if after == ";":
                    child_file = self.child_file(cur, name)
                    if child_file is None:
                        print(f"module-cycles: {file}:{line}: no file for `mod {name};`", file=sys.stderr)
                    else:
                        child = self.add_child(cur, name, child_file, self.child_dir(cur, name, child_file))
                        self.load(child, child_file)
                    i += 3
                    continue
                if after == "{":
                    child = self.add_child(cur, name, file, os.path.join(cur.dir, name))
                    depth += 1
                    stack.append((child, depth))
                    i += 3
                    continue
            if val == "include" and nxt[1] == "!":
                m = self.include_target(file, toks, i)
                if m:
                    self.load_included(cur, m)
            if val == "use" and prev != "+":  # not `impl Trait + use<'a>`
                is_pub = self.preceded_by_pub(toks, i)
                j = i + 1
                leaves, j = self.use_tree(toks, j, [])
                for name, segs in leaves:
                    cur.uses.append((name, segs, is_pub, line))
                i = j + 1
                continue
            if at_item_level and val in ITEM_KEYWORDS and nxt[0] == "id":
                cur.defined.add(nxt[1])
            if val == "macro_rules" and nxt[1] == "!" and i + 2 < n:
                cur.defined.add(toks[i + 2][1])
            self.used_idents[file].add(val)
            if nxt[1] == "::" and prev != "::":
                segs, j = [val], i + 1
                if prev == "$" and val == "crate":
                    segs = ["crate"]
                while j + 1 < n and toks[j][1] == "::" and toks[j + 1][0] == "id":
                    segs.append(toks[j + 1][1])
                    self.used_idents[file].add(toks[j + 1][1])
                    j += 2
                self.paths.append((cur, segs, line, file))
                i = j
                continue
            i += 1

    def include_target(self, file, toks, i):
        # include!("relative/path.rs") with a plain literal: re-read the text for it.
        line = toks[i][2]
        with open(file, encoding="utf-8") as f:
            text = f.read().split("\n")[line - 1]
        m = re.search(r'include!\(\s*"([^"]+)"\s*\)', text)
        if not m:
            return None
        target = os.path.normpath(os.path.join(os.path.dirname(file), m.group(1)))
        return target if os.path.isfile(target) else None

    def load_included(self, module, target):
        with open(target, encoding="utf-8") as f:
            toks = tokenize(f.read())
        saved = self.files
        self.scan(module, module.file, toks)  # its text is part of the including file
        self.files = saved

    @staticmethod
    def preceded_by_pub(toks, i):
        j = i - 1
        if j >= 0 and toks[j][1] == ")":
            while j >= 0 and toks[j][1] != "(":
                j -= 1
            j -= 1
        return j >= 0 and toks[j][1] == "pub"

    def use_tree(self, toks, j, prefix):
        """Parse a use tree at toks[j]; return ([(bound name or None, segments)], index of
        the token that ends it (`;`, `,` or `}`))."""
        leaves, segs = [], list(prefix)
        n = len(toks)
        if toks[j][1] == "::":
            j += 1
        while j < n:
            kind, val, _ = toks[j]
            if val == "{":
                j += 1
                while j < n and toks[j][1] != "}":
                    sub, j = self.use_tree(toks, j, segs)
                    leaves += sub
                    if toks[j][1] == ",":
                        j += 1
                return leaves, j + 1
            if val == "*":
                leaves.append((None, segs))
                return leaves, j + 1
            if kind == "id":
                if val == "self" and segs and segs != ["self"]:
                    name = segs[-1]
                else:
                    segs.append(val)
                    name = val
                j += 1
                if j < n and toks[j][1] == "::":
                    j += 1
                    continue
                if j < n and toks[j][1] == "as":
                    name = toks[j + 1][1]
                    j += 2
                leaves.append((name, segs))
                return leaves, j
            return leaves, j  # malformed: give up on this tree
        return leaves, j

    def add_child(self, parent, name, file, directory):
        child = Module(parent.path + (name,), file, directory, parent)
        parent.children[name] = child
        return child

    @staticmethod
    def child_dir(parent, name, child_file):
        if os.path.basename(child_file) == "mod.rs":
            return os.path.dirname(child_file)
        return os.path.join(parent.dir, name)

    @staticmethod
    def child_file(parent, name):
        base = parent.dir
        for cand in (os.path.join(base, name + ".rs"), os.path.join(base, name, "mod.rs")):
            if os.path.isfile(cand):
                return cand
        return None

    # --- resolution -------------------------------------------------------------------

    def start(self, module, seg):
        """The module a path's first segment names, seen from `module`, or None."""
        if seg == "crate":
            return self.root
        if seg == "self":
            return module
        if seg == "super":
            return module.parent
        m = module
        while m is not None:
            # a child module in scope (Rust finds only the current module's; inline test
            # modules reach their file's children through `use super::*`, so look outward)
            if seg in m.children:
                return m.children[seg]
            if m.file != module.file:
                break
            m = m.parent
        return None

    def resolve(self, module, segs, seen=None):
        """The module defining what `segs` names from `module` (through re-exports)."""
        if not segs:
            return None
        m = self.start(module, segs[0])
        if m is None:
            return self.resolve_import(module, segs, seen)
        k = 1
        while k < len(segs) and segs[k] in ("super", "self"):
            m = m.parent if segs[k] == "super" else m
            if m is None:
                return None
            k += 1
        while k < len(segs) and segs[k] in m.children:
            m = m.children[segs[k]]
            k += 1
        if k == len(segs):
            return m
        return self.through_reexports(m, segs[k], seen)

    def resolve_import(self, module, segs, seen):
        # `x::y` where `x` was brought in by a `use` in this module
        for name, usegs, _, _ in module.uses:
            if name == segs[0] and usegs != segs[:1]:
                key = (id(module), tuple(usegs))
                seen = seen or set()
                if key in seen:
                    return None
                seen.add(key)
                return self.resolve(module, usegs + segs[1:], seen)
        return None

    def through_reexports(self, m, item, seen=None):
        seen = set() if seen is None else seen
        key = (id(m), item)
        if key in seen:
            return None
        seen.add(key)
        if item in m.defined:
            return m
        for name, usegs, _, _ in m.uses:
            if name == item:
                target = self.resolve(m, usegs, seen)
                return target or m
        for name, usegs, _, _ in m.uses:
            if name is None:
                g = self.resolve(m, usegs, seen)
                if g is not None and g is not m:
                    found = self.through_reexports(g, item, seen)
                    if found is not None and (found is not g or item in g.defined):
                        return found
        return m

    def modules(self):
        out, todo = [], [self.root]
        while todo:
            m = todo.pop()
            out.append(m)
            todo.extend(m.children.values())
        return out

    def edges(self):
        """{(from file, to file): (line, path text)} -- the first evidence of each edge."""
        edges = {}

        def add(src, target, line, text):
            if target is not None and target.file != src:
                edges.setdefault((src, target.file), (line, text))

        for m in self.modules():
            for name, segs, is_pub, line in m.uses:
                if is_pub and name is not None and name not in self.used_idents[m.file]:
                    continue  # a re-export only
                if is_pub and name is None:
                    continue  # `pub use x::*`: a facade
                target = self.resolve(m, segs)
                add(m.file, target, line, "use " + "::".join(segs) + ("::*" if name is None else ""))
        for m, segs, line, file in self.paths:
            if self.start(m, segs[0]) is None:
                continue
            add(file, self.resolve(m, segs), line, "::".join(segs))
        return edges


def sccs(nodes, adj):
    """Tarjan's strongly connected components (iterative)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for v0 in nodes:
        if v0 in index:
            continue
        work = [(v0, iter(sorted(adj[v0])))]
        index[v0] = low[v0] = counter[0]
        counter[0] += 1
        stack.append(v0)
        on.add(v0)
        while work:
            v, it = work[-1]
            pushed = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(adj[w]))))
                    pushed = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if pushed:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def order_violations(crate, edges, order):
    """Edges from a top-level module to one listed after it in `order` (the first of each
    pair of modules, with its evidence)."""
    rank = {m: i for i, m in enumerate(order)}
    top = {}
    for m in crate.modules():
        if m.path and (m.file not in top or len(m.path) < len(top[m.file])):
            top[m.file] = m.path
    seen = set()
    for (a, b), (line, text) in sorted(edges.items()):
        ta, tb = top.get(a, ("",))[0], top.get(b, ("",))[0]
        if ta in rank and tb in rank and rank[ta] < rank[tb] and (ta, tb) not in seen:
            seen.add((ta, tb))
            yield ta, tb, (line, (os.path.relpath(a), text))


def subtree_cycles(crate, edges):
    """Cycles among the child modules of each module, each child standing for its whole
    subtree (`preprocess` = preprocess/*.rs): a file of one child's tree importing a file of
    a sibling's tree is an edge between the siblings.  Cycles among leaf files only are
    left to the file-level check, which already reports them."""
    file_module = {}
    for m in crate.modules():
        if m.file not in file_module or len(m.path) < len(file_module[m.file].path):
            file_module[m.file] = m
    for parent in crate.modules():
        kids = parent.children
        if len(kids) < 2:
            continue
        depth = len(parent.path)

        def child_of(f):
            path = file_module[f].path
            if len(path) > depth and path[:depth] == parent.path:
                return path[depth]
            return None

        adj, evidence = defaultdict(set), {}
        for (a, b), (line, text) in sorted(edges.items()):
            ca, cb = child_of(a), child_of(b)
            if ca and cb and ca != cb:
                adj[ca].add(cb)
                evidence.setdefault((ca, cb), (a, line, text))
        for comp in sccs(sorted(kids), adj):
            if len(comp) < 2:
                continue
            if all(kids[c].file != parent.file and not any(
                    k.file != kids[c].file for k in kids[c].children.values()) for c in comp):
                continue  # leaf files only: the file-level check has it
            qual = lambda c: "::".join(("crate",) + parent.path + (c,))  # noqa: E731
            ev = [(qual(a), qual(b), evidence[(a, b)])
                  for a in comp for b in comp if (a, b) in evidence]
            yield tuple(qual(c) for c in comp), ev


SELF_TEST = {
    # file: text.  Expected: one cycle {a/mod.rs, a/user.rs} (user names `super::Defined`,
    # which a/mod.rs defines, and a/mod.rs calls `user::f`); a/leaf.rs and b.rs reach
    # a/mod.rs only through re-exports, and lib.rs only declares and re-exports.
    "lib.rs": "mod a;\nmod b;\npub use a::Thing;\n",
    "a/mod.rs": "mod leaf;\nmod user;\npub use leaf::Thing;\n"
                "pub struct Defined;\npub fn g() { user::f(); }\n",
    "a/leaf.rs": "pub struct Thing; // crate::b::h() in a comment\nconst S: &str = \"super::b\";\n",
    "a/user.rs": "use super::Defined;\npub fn f() { let _ = Defined; }\n"
                 "#[cfg(test)]\nmod tests { use super::*; }\n",
    "b.rs": "use crate::a::Thing;\npub fn h() -> crate::Thing { Thing }\n",
}


def self_test():
    """Checks the resolver on SELF_TEST; returns 0 when it finds exactly what it should."""
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        for name, text in SELF_TEST.items():
            os.makedirs(os.path.dirname(os.path.join(d, name)), exist_ok=True)
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        crate = Crate(os.path.join(d, "lib.rs"))
        edges = {(os.path.relpath(a, d), os.path.relpath(b, d)) for a, b in crate.edges()}
        adj = defaultdict(set)
        for a, b in crate.edges():
            adj[a].add(b)
        comps = [sorted(os.path.relpath(f, d) for f in c)
                 for c in sccs(sorted(set(crate.files)), adj) if len(c) > 1]
    want_edges = {("a/mod.rs", "a/user.rs"), ("a/user.rs", "a/mod.rs"), ("b.rs", "a/leaf.rs")}
    want_comps = [["a/mod.rs", "a/user.rs"]]
    if edges != want_edges or comps != want_comps:
        print(f"module-cycles self-test FAILED:\n  edges {sorted(edges)}\n  want  "
              f"{sorted(want_edges)}\n  cycles {comps}\n  want   {want_comps}")
        return 1
    print("module-cycles self-test: ok")
    return 0


def main(argv):
    allow, show_edges, quiet, orders = [], False, False, {}
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--allow":
            allow.append({p.strip() for p in args.pop(0).split(",") if p.strip()})
        elif a == "--order":
            crate_name, _, mods = args.pop(0).partition("=")
            orders[crate_name] = [m.strip() for m in mods.split(",") if m.strip()]
        elif a == "--edges":
            show_edges = True
        elif a == "--quiet":
            quiet = True
        elif a == "--self-test":
            return self_test()
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            print(__doc__, file=sys.stderr)
            return 2
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"],
        check=True, capture_output=True, text=True).stdout)
    ws = meta["workspace_root"]
    rel = lambda p: os.path.relpath(p, ws)  # noqa: E731
    reported, failed = set(), False
    for pkg in meta["packages"]:
        for target in pkg["targets"]:
            label = f"{pkg['name']} {'/'.join(target['kind'])} {target['name']}"
            crate = Crate(target["src_path"])
            edges = crate.edges()
            adj = defaultdict(set)
            for a, b in edges:
                adj[a].add(b)
            nodes = sorted(set(crate.files))
            if show_edges:
                for (a, b), (line, text) in sorted(edges.items()):
                    print(f"{label}: {rel(a)} -> {rel(b)}   ({rel(a)}:{line} {text})")
            for comp in sccs(nodes, adj):
                if len(comp) < 2:
                    continue
                names = tuple(rel(f) for f in comp)
                if names in reported:
                    continue
                reported.add(names)
                ok = any(set(names) <= a for a in allow)
                failed |= not ok
                status = "allowed (--allow)" if ok else "CYCLE"
                print(f"{status} in {label}: {' '.join(names)}")
                if not quiet:
                    for (a, b), (line, text) in sorted(edges.items()):
                        if a in comp and b in comp:
                            print(f"    {rel(a)} -> {rel(b)}   ({rel(a)}:{line} {text})")
            order = orders.get(target["name"].replace("-", "_"))
            for a, b, (line, text) in order_violations(crate, edges, order or []):
                names = ("crate::" + a, "crate::" + b)
                key = (pkg["name"], "order") + names
                if key in reported:
                    continue
                reported.add(key)
                ok = any(set(names) <= al for al in allow)
                failed |= not ok
                status = "allowed (--allow)" if ok else "ORDER"
                print(f"{status} in {label}: {names[0]} (lower) imports {names[1]}"
                      f"   ({text[0]}:{line} {text[1]})")
            for comp_names, evidence in subtree_cycles(crate, edges):
                key = (pkg["name"],) + comp_names
                if key in reported:
                    continue
                reported.add(key)
                ok = any(set(comp_names) <= a for a in allow)
                failed |= not ok
                status = "allowed (--allow)" if ok else "CYCLE"
                print(f"{status} between module trees in {label}: {' '.join(comp_names)}")
                if not quiet:
                    for a, b, (src, line, text) in evidence:
                        print(f"    {a} -> {b}   ({rel(src)}:{line} {text})")
    if not reported:
        print("module-cycles: no import cycles")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
