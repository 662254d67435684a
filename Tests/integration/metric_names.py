"""Metric names in Prometheus expositions and in the PromQL of Grafana
dashboards, for test_devops_files.py: which names and labels a process
serves, and which names and labels a dashboard query uses."""
import re

TARGET_LABELS = {"job", "instance"}


def parse_exposition(text: str):
    """Families of a Prometheus text exposition: name -> (type, label names)."""
    families = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(maxsplit=3)
            families.setdefault(name, [kind, set()])[0] = kind
        elif line and not line.startswith("#"):
            name = re.match(r"[a-zA-Z_:][\w:]*", line).group(0)
            labels = set(re.findall(r'(\w+)="', line.split("{", 1)[1])) if "{" in line else set()
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            family = base if families.get(base, ["", 0])[0] == "histogram" else name
            families.setdefault(family, ["untyped", set()])[1].update(labels - {"le"})
    return {n: (k, frozenset(ls)) for n, (k, ls) in families.items()}


KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan"}


def substitute_variables(expr: str) -> str:
    expr = re.sub(r"\$\{?__(rate_)?interval\}?", "1m", expr)
    return re.sub(r"\$\{?__range\}?", "1h", re.sub(r"\$\{?(?!__)\w+\}?", ".*", expr))


def promql_names(expr: str):
    """(metric names, [(name, matcher labels)], grouping labels) of a PromQL expression."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"', '""', substitute_variables(expr))
    selectors = [(n, set(re.findall(r"(\w+)\s*(?:=~|!~|!=|=)", body)))
                 for n, body in re.findall(r"([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}", expr)]
    expr = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", expr)
    grouping = set()
    for labels in re.findall(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", expr):
        grouping.update(l.strip() for l in labels.split(",") if l.strip())
    expr = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expr)
    names = {t for t in re.findall(r"(?<![\w:.$])[a-zA-Z_:][\w:]*(?![\w:])(?!\s*\()", expr)
             if t.lower() not in KEYWORDS}
    return names, selectors, grouping


def dashboard_queries(dashboard):
    """Every PromQL expression of a dashboard: panel targets and query variables."""
    for panel in dashboard["panels"]:
        for t in panel.get("targets", []):
            yield panel["title"], t["expr"]
    for v in dashboard["templating"]["list"]:
        if v["type"] == "query":
            query = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            m = re.fullmatch(r"label_values\((.*),\s*\w+\)", query)
            yield f"variable {v['name']}", m.group(1) if m else query


def unknown_metric_names(dashboards, families, planned):
    """Problems: names neither served (`families`) nor `planned`, and labels those metrics do not have."""
    known = {n: (k, set(ls)) for n, (k, ls) in {**planned, **families}.items()}
    problems = []
    for dash in dashboards:
        for where, expr in dashboard_queries(dash):
            names, selectors, grouping = promql_names(expr)

            def family(name):
                base = re.sub(r"_(bucket|sum|count)$", "", name)
                return base if known.get(base, ("",))[0] == "histogram" and base != name else name
            resolved = {family(n) for n in names}
            for n in sorted(resolved - known.keys()):
                problems.append(f"{dash['uid']} / {where}: unknown metric {n}")
            available = set(TARGET_LABELS) | {"le"}
            for n in resolved & known.keys():
                available |= known[n][1]
            for n, labels in selectors:
                f = family(n)
                if f in known:
                    extra = labels - known[f][1] - TARGET_LABELS - ({"le"} if n.endswith("_bucket") else set())
                    problems += [f"{dash['uid']} / {where}: {n} has no label {l}" for l in sorted(extra)]
            if resolved <= known.keys():  # (unknown names are reported above)
                problems += [f"{dash['uid']} / {where}: no metric of `{expr[:60]}…` has label {l}"
                             for l in sorted(grouping - available)]
    return problems
