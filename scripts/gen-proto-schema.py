#!/usr/bin/env python3
"""Generate sim/src/api/proto_schema.rs: the protobuf schema of every kind the simulated
API server serves, read from the Kubernetes generated.proto files (field numbers, types)
and the Go types next to them (JSON names, inlined structs, pointer/omitempty).

Usage: scripts/gen-proto-schema.py [API_GIT_DIR APIMACHINERY_GIT_DIR APIEXTENSIONS_GIT_DIR]
(defaults: the mirrors under /work/.mirror). Python 3 standard library only; the repos are
read with `git show HEAD:path` (bare repositories are fine).
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "sim", "src", "api", "proto_schema.rs")
RESOURCES_RS = os.path.join(ROOT, "sim", "src", "kinds.rs")

REPOS = {
    "k8s.io/api/": "/work/.mirror/kubernetes+api/repo",
    "k8s.io/apimachinery/": "/work/.mirror/kubernetes+apimachinery/repo",
    "k8s.io/apiextensions-apiserver/": "/work/.mirror/kubernetes+apiextensions-apiserver/repo",
}

# Bodies read besides the kinds of RESOURCES: (apiVersion, kind, message). "*": any
# apiVersion (kubectl's typed clients send DeleteOptions in their own group version).
EXTRA_ROOTS = [
    ("autoscaling/v1", "Scale", None),
    ("authentication.k8s.io/v1", "TokenRequest", None),
    ("*", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
]

# Messages with a JSON form of their own (see proto.rs `Special`).
SPECIAL = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "Time",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "MicroTime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration": "Duration",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "Quantity",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "RawJson",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "RawJson",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON": "RawJson",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "OrArray",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "OrBool",
    "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "OrStringArray",
}

SCALARS = {
    "string": "Str",
    "bytes": "Bytes",
    "bool": "Bool",
    "int32": "I32",
    "int64": "I64",
    "uint32": "I64",
    "uint64": "I64",
    "double": "F64",
}


def git_show(repo, path):
    return subprocess.run(
        ["git", "-C", repo, "show", "HEAD:" + path],
        check=True, capture_output=True, text=True,
    ).stdout


def git_ls(repo, folder):
    out = subprocess.run(
        ["git", "-C", repo, "ls-tree", "--name-only", "HEAD", folder + "/"],
        check=True, capture_output=True, text=True,
    ).stdout
    return [p for p in out.split() if p.endswith(".go") and not p.endswith("_test.go")]


def git_head(repo):
    return subprocess.run(
        ["git", "-C", repo, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def locate(import_path):
    """'k8s.io/api/core/v1/generated.proto' -> (repo, path in repo)."""
    for prefix, repo in REPOS.items():
        if import_path.startswith(prefix):
            return repo, import_path[len(prefix):]
    raise SystemExit(f"no repository for {import_path}")


FIELD_RE = re.compile(
    r"^\s*(optional|repeated|required)?\s*(map<\s*string\s*,\s*([\w.]+)\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)"
)


def parse_proto(text):
    """(package, imports, {message: [(label, type, map_value, name, number)]})."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    package = re.search(r"^package\s+([\w.]+);", text, re.M).group(1)
    imports = re.findall(r'^import\s+"([^"]+)";', text, re.M)
    messages = {}
    for m in re.finditer(r"^message\s+(\w+)\s*\{(.*?)^\}", text, re.M | re.S):
        fields = []
        for line in m.group(2).split(";"):
            f = FIELD_RE.match(line.strip())
            if f:
                label, typ, map_value, name, num = f.groups()
                fields.append((label, typ, map_value, name, int(num)))
        messages[m.group(1)] = fields
    return package, imports, messages


GO_FIELD_RE = re.compile(r"^\s*(\w+\s+)?([*\[\]\w.]+)\s+`([^`]*)`")


def parse_go(texts):
    """{(struct, proto number): (json name, pointer, omit, inline)} from Go struct tags."""
    out = {}
    for text in texts:
        struct = None
        for line in text.splitlines():
            s = re.match(r"^type\s+(\w+)\s+struct\s*\{", line)
            if s:
                struct = s.group(1)
                continue
            if line.startswith("}"):
                struct = None
                continue
            g = GO_FIELD_RE.match(line) if struct else None
            if not g or "protobuf:" not in g.group(3):
                continue
            embedded, gotype, tag = g.group(1) is None, g.group(2), g.group(3)
            pb = re.search(r'protobuf:"([^"]*)"', tag).group(1).split(",")
            if len(pb) < 2 or not pb[1].isdigit():
                continue
            js = re.search(r'json:"([^"]*)"', tag)
            js = js.group(1).split(",") if js else [pb[3][5:] if len(pb) > 3 else ""]
            name, opts = js[0], js[1:]
            out[(struct, int(pb[1]))] = (
                name,
                gotype.startswith("*"),
                "omitempty" in opts or "omitzero" in opts,
                "omitzero" in opts,
                embedded and name in ("", "inline") or "inline" in opts,
            )
    return out


class Schema:
    def __init__(self):
        self.messages = {}  # fq name -> fields
        self.go = {}  # fq name -> {number: go info}
        self.loaded = {}
        self.heads = {}

    def load(self, import_path):
        if import_path in self.loaded:
            return self.loaded[import_path]
        repo, path = locate(import_path)
        self.heads[repo] = git_head(repo)
        package, imports, messages = parse_proto(git_show(repo, path))
        self.loaded[import_path] = package
        folder = os.path.dirname(path)
        go = parse_go(git_show(repo, p) for p in git_ls(repo, folder))
        for name, fields in messages.items():
            fq = package + "." + name
            resolved = []
            for label, typ, map_value, fname, num in fields:
                is_map = map_value is not None
                t = map_value if is_map else typ
                if t not in SCALARS:
                    t = t.lstrip(".") if "." in t else package + "." + t
                resolved.append((label, t, is_map, fname, num))
            self.messages[fq] = resolved
            self.go[fq] = {num: info for (st, num), info in go.items() if st == name}
        for i in imports:
            self.load(i)
        return package


def roots_from_resources():
    text = open(RESOURCES_RS).read()
    found = re.findall(
        r'res!\(\s*"([^"]*)",\s*"([^"]*)",\s*"[^"]*",\s*"([^"]*)"', text
    )
    roots = []
    for group, version, kind in found:
        av = f"{group}/{version}" if group else version
        if (av, kind, None) not in roots:
            roots.append((av, kind, None))
    return roots + EXTRA_ROOTS


def proto_file(api_version):
    group, _, version = api_version.rpartition("/")
    if group == "apiextensions.k8s.io":
        return f"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/{version}/generated.proto"
    folder = group.split(".")[0] if group else "core"
    return f"k8s.io/api/{folder}/{version}/generated.proto"


def short(fq):
    for prefix in (
        "k8s.io.apiextensions_apiserver.pkg.apis.",
        "k8s.io.apimachinery.pkg.apis.",
        "k8s.io.apimachinery.pkg.",
        "k8s.io.api.",
    ):
        if fq.startswith(prefix):
            return fq[len(prefix):]
    return fq


def main():
    if len(sys.argv) == 4:
        for prefix, repo in zip(list(REPOS), sys.argv[1:]):
            REPOS[prefix] = repo
    schema = Schema()
    roots = []
    for av, kind, fq in roots_from_resources():
        fq = fq or schema.load(proto_file(av)) + "." + kind
        if fq not in schema.messages:
            raise SystemExit(f"no message {fq}")
        roots.append((av, kind, fq))
    reachable = []
    todo = [fq for _, _, fq in roots]
    while todo:
        fq = todo.pop()
        if fq in reachable:
            continue
        reachable.append(fq)
        if fq in SPECIAL and SPECIAL[fq] not in ("OrArray", "OrBool", "OrStringArray"):
            continue
        for _, t, _, _, _ in schema.messages[fq]:
            if t not in SCALARS and t not in reachable:
                todo.append(t)
    if any(SPECIAL.get(fq) == "Duration" for fq in reachable):
        raise SystemExit("a served kind uses metav1.Duration: teach proto.rs its Go duration string")
    reachable.sort(key=short)
    index = {fq: i for i, fq in enumerate(reachable)}
    write(schema, reachable, index, roots)


def field_row(schema, fq, field, index):
    label, t, is_map, name, num = field
    json_name, pointer, omit, omitzero, inline = schema.go[fq].get(
        num, (name, True, False, False, False)
    )
    flags = []
    if label == "repeated":
        flags.append("REP")
    if is_map:
        flags.append("MAP")
    if t in SCALARS:
        ty = SCALARS[t]
        if omit and not pointer and label != "repeated" and not is_map:
            flags.append("OMIT")
    else:
        ty = f"M({index[t]})"
        if omitzero and not pointer:
            flags.append("OMIT")
    if inline:
        flags.append("INLINE")
        json_name = ""
    if json_name == "-":
        return None
    return f'f({num}, "{json_name}", {ty}, {"|".join(flags) or "0"})'


def write(schema, reachable, index, roots):
    lines = [
        "// @generated by scripts/gen-proto-schema.py — DO NOT EDIT (re-run the script).",
        "// Sources (git HEAD): "
        + ", ".join(f"{os.path.basename(os.path.dirname(r))} {h[:12]}" for r, h in sorted(schema.heads.items())),
        "//! The protobuf schema of every message reachable from the kinds the simulated API",
        "//! server serves: per message, each field's number, JSON name, type and flags.",
        "",
        "use super::{Msg, Special::*, Ty::*, f, INLINE, MAP, OMIT, REP};",
        "",
        "/// The served kinds: (apiVersion, kind, index into [`MESSAGES`]).",
        "pub static ROOTS: &[(&str, &str, u16)] = &[",
    ]
    for av, kind, fq in roots:
        lines.append(f'    ("{av}", "{kind}", {index[fq]}),')
    lines += ["];", "", "/// Every message, sorted by name; `M(i)` is `MESSAGES[i]`.", "pub static MESSAGES: &[Msg] = &["]
    for i, fq in enumerate(reachable):
        special = SPECIAL.get(fq, "Plain")
        rows = [r for r in (field_row(schema, fq, fl, index) for fl in schema.messages[fq]) if r]
        lines.append(f'    // {i}')
        lines.append(f'    Msg {{ name: "{short(fq)}", special: {special}, fields: &[')
        for r in rows:
            lines.append(f"        {r},")
        lines.append("    ] },")
    lines.append("];")
    with open(OUT, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"{OUT}: {len(reachable)} messages, {len(roots)} kinds")


if __name__ == "__main__":
    main()
