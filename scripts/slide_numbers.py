#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Measured figures in the decks come from a saved kit report, or say where they come from.

THE RULE (tests/slides/numbers_test.py checks it on slides/*.md and README.md)

A *figure* is a number with a performance unit:
    ms  us  µs  ns  s  |  MB/s GB/s TB/s GiB/s  |  GFLOP/s TFLOP/s  |  G/s, G<word(s)>/s (G items/s)
    %  |  x or × written right after the number, a speed-up: 26x, 1.4×   ("2 x 4", "y = 2x" are not)
and, in a Markdown table, each number of a cell that holds numbers alone ("2985", "**99.4**",
"0.74 / 2.77") in a column whose title has such a unit ("| GB/s |", "| median ms |",
"| % of copy |", "| speed-up |") or in a row whose first cell has one ("| GB/s (H100) | 2576 |").
Fenced code blocks, `inline code`, HTML comments and the front matter are not scanned.

Every figure must be either
  1. a placeholder, filled by fill() from a kit report saved in slides/reports/:
       {{REPORT:CASE:COLUMN}}        {{tour-h200:kmeans_fused:median ms}}
       {{REPORT:CASE@SIZE:COLUMN}}   CASE has rows at several sizes: {{ml-h200:kmeans_fused@1000000:median ms}}
       {{REPORT:@FIELD}}             a header field: {{tour-h200:@device}}, {{tour-h200:@date}};
                                     @card is the card's name alone ("NVIDIA H200")
       {{REPORT:#TITLE#ROW:COLUMN}}  any table, with or without a case column:
                                     {{device-h200:#Copy bandwidth versus occupancy#3:GB/s}}
                                     TITLE is the start of one table's title (exactly one table may
                                     start so, unless one title is TITLE itself); ROW the value of the
                                     row's first column (a number matches numerically: 256 is 256.0,
                                     or as the filled cell reads); exactly one row may match
       {{REPORT:#TITLE#A & B:COLUMN}}  where the first column repeats, ROW names the values of the
                                     first several columns, in order, joined by " & ":
                                     {{random-h200:#curand_init#xorwow & seed per thread:median ms}}
                                     each part matches its column as ROW matches the first; exactly
                                     one row may match all of them (no more parts than columns;
                                     a value that holds " & " itself cannot be named)
     REPORT is a file stem in slides/reports/ (a `gpulab <module|tour> --format json` output);
     CASE matches a row's first text column (`case`, or the table's first column); SIZE the row's
     `size` (the number in the JSON, or its text); COLUMN a column title. The text is the kit's
     own: the decimals of its table (`median ms` 4, `GB/s` 1, `% peak` 1, `speed-up` "26.3x").
     A missing report, case, size, table, row, column or field is an error naming deck:line. Code (fenced
     blocks and `inline code`) is never filled: there {{...}} is C++.
       {{REPORT:CASE:COLUMN ?? TEXT}}  TEXT stands in while slides/reports/REPORT.json does not exist
                                     ("to be measured"; never a figure); once the report is saved,
                                     its cell must be there like any other.
  2. or covered by a marker that says where the figure comes from:
       <!-- quoted: H100, 2026-11-25, docs/perf-notes.md "Module 3" -->  measured elsewhere:
                                          card, date or run, file (and section)
       <!-- quoted: COURSE.md, RTX 3060 laptop -->     the original course's numbers
       <!-- quoted: unverified, source unknown -->     we could not find where it came from
       <!-- not measured: target, DESIGN.md -->        a target, a spec sheet, a schedule, a
                                                      setting, arithmetic: not a measurement
     A marker on a line with text covers that line. A marker alone on its line covers the block
     right below it: the lines up to the next blank line (a table, a list, a paragraph).

fill() replaces the placeholders and removes the markers (Marp would show them as presenter
notes). `scripts/slides --check` and the CTest test run problems() on every deck;
`scripts/slide_numbers.py --reports` lists the reports the placeholders name (scripts/slide-reports
saves them on a GPU machine). docs/numbers.md has the workflow.
"""
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
REPORTS = ROOT / "slides" / "reports"

PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9_.-]+):((?:[^{}?]|\?(?!\?))*?)\s*(?:\?\?\s*([^{}]*?)\s*)?\}\}")
MARKER = re.compile(r"<!--\s*(quoted|not measured):(.*?)-->")
COMMENT = re.compile(r"<!--.*?-->")
INLINE_CODE = re.compile(r"`[^`]*`")

UNIT = (r"(?:ms|us|µs|μs|ns|s|[MGT]i?B/s|[GT]FLOP/s|G(?:\s?[A-Za-z]+(?:\s[A-Za-z]+)?)?/s)(?![\w/])"
        r"|%|(?<=\d)[x×](?![\w])")
NUMBER = r"(?<![\w.^])\d[\d,]*(?:\.\d+)?(?:\s?[-–]\s?\d[\d,]*(?:\.\d+)?)?"
FIGURE = re.compile(rf"(?:~|about\s)?{NUMBER}\s?(?:{UNIT})")
UNIT_TITLE = re.compile(rf"(?:^|\s)(?:{UNIT})(?:\s|$)|speed-?up|\bms\b")

# How the kit's results table prints its numbers (src/bench/runner.cpp, results_table):
# decimals per column; other numbers get format_significant's three digits.
COLUMN_DECIMALS = {"median ms": 4, "min ms": 4, "max ms": 4, "GB/s": 1, "GFLOP/s": 1,
                   "G items/s": 1, "% peak": 1, "CPU ms": 3}


class NumbersError(Exception):
    """One line per problem, each 'deck:line: what'."""


def format_significant(value):
    """include/gpulab/core/format.hpp's format_significant, in Python."""
    magnitude = abs(value)
    if value == 0:
        return "0"
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{value:.2e}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def cell_text(value, column):
    """The text the kit's table shows for a JSON cell of this column."""
    if value is None:
        return "-"  # the JSON's null is a NaN or infinity, or no value
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return json.dumps(value)
    if column == "speed-up":
        return format_significant(value) + "x"
    if column in COLUMN_DECIMALS:
        return f"{value:.{COLUMN_DECIMALS[column]}f}"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format_significant(value)


def load_reports(folder=REPORTS):
    """{stem: report} of every report in the folder; NumbersError (file:line:column) for one that
    is not valid JSON, a truncated copy for instance."""
    reports = {}
    for p in sorted(pathlib.Path(folder).glob("*.json")):
        try:
            reports[p.stem] = json.loads(p.read_text())
        except json.JSONDecodeError as e:
            raise NumbersError(f"{p}:{e.lineno}:{e.colno}: not valid JSON ({e.msg})") from None
        except UnicodeDecodeError as e:
            raise NumbersError(f"{p}: byte {e.start}: not UTF-8 text, so not a kit report") from None
    return reports


def size_matches(cell, wanted):
    if isinstance(cell, str):
        return cell == wanted or cell.split(" ")[0] == wanted
    if isinstance(cell, (int, float)):
        try:
            return float(wanted) == float(cell)
        except ValueError:
            return False
    return False


def row_matches(cell, wanted, column):
    """Whether a key-column cell is the value a #TITLE#ROW:COLUMN placeholder names for it."""
    numeric = isinstance(cell, (int, float)) and not isinstance(cell, bool)
    if numeric and size_matches(cell, wanted):  # 256 is 256.0, as for sizes
        return True
    return cell is not None and cell_text(cell, column) == wanted


def lookup_table_cell(report, key):
    """#TITLE#ROW:COLUMN: the cell of the row whose first column is ROW (or whose first columns are
    ROW's " & "-joined values), in the one table whose title starts with TITLE; raises LookupError
    with the reason."""
    m = re.fullmatch(r"#([^#]+)#(.+):([^:]+)", key)
    if not m:
        raise LookupError(f"'{key}' is not #TITLE#ROW:COLUMN")
    prefix, wanted, column = m.group(1), m.group(2).strip(), m.group(3).strip()
    tables = report.get("tables", [])
    titles = [table.get("title", "") for table in tables]
    chosen = [t for t in tables if t.get("title", "") == prefix] or \
             [t for t in tables if t.get("title", "").startswith(prefix)]
    if not chosen:
        raise LookupError(f"no table's title starts with '{prefix}' "
                          f"(titles: {'; '.join(repr(t) for t in titles) or 'none'})")
    if len(chosen) > 1:
        raise LookupError(f"{len(chosen)} tables' titles start with '{prefix}', name one by more of its title "
                          f"({'; '.join(repr(t.get('title', '')) for t in chosen)})")
    table = chosen[0]
    title, columns = table.get("title", ""), table.get("columns", [])
    if column not in columns:
        raise LookupError(f"table '{title}' has no column '{column}' (it has: {', '.join(columns)})")
    # ROW names the first column's value, or the first several columns' values joined by " & "
    parts = [part.strip() for part in wanted.split(" & ")]
    if len(parts) > len(columns):
        raise LookupError(f"'{wanted}' names {len(parts)} columns' values, table '{title}' has "
                          f"{len(columns)} columns ({', '.join(columns)})")
    keys = columns[:len(parts)]
    key = " & ".join(keys)  # "generator & method"
    rows = [row for row in table.get("rows", []) if len(row) >= len(parts)
            and all(row_matches(row[c], part, keys[c]) for c, part in enumerate(parts))]
    if len(rows) != 1:
        values = ", ".join(" & ".join(cell_text(row[c], keys[c]) for c in range(len(keys)))
                           for row in table.get("rows", []) if len(row) >= len(keys))
        raise LookupError(f"table '{title}' has {len(rows) or 'no'} rows whose {key} is '{wanted}', "
                          f"not one ({key}: {values or 'no rows'})")
    return cell_text(rows[0][columns.index(column)], column)


def lookup(report, key):
    """The text of one cell or header field; raises LookupError with the reason."""
    if key.startswith("#"):
        return lookup_table_cell(report, key)
    if key.startswith("@"):
        header = report.get("header", {})
        field = key[1:]
        if field == "card" and "device" in header:
            # "0: NVIDIA H200 (compute capability 9.0, ...)" -> "NVIDIA H200"
            return re.sub(r"^\d+:\s*|\s*\(.*$", "", header["device"])
        if field not in header:
            raise LookupError(f"no header field '{field}' (it has: {', '.join(header) or 'none'})")
        return str(header[field])
    parts = key.split(":")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise LookupError(f"'{key}' is not CASE:COLUMN, CASE@SIZE:COLUMN, #TITLE#ROW:COLUMN or @FIELD")
    case, column = parts
    size = None
    if "@" in case:
        case, size = case.split("@", 1)
    found, sizes, other_columns = [], [], []
    for table in report.get("tables", []):
        columns = table.get("columns", [])
        name_column = columns.index("case") if "case" in columns else 0
        for row in table.get("rows", []):
            if name_column >= len(row) or row[name_column] != case:
                continue
            size_cell = row[columns.index("size")] if "size" in columns else None
            if size is not None and not size_matches(size_cell, size):
                sizes.append(size_cell)
                continue
            if column not in columns:
                other_columns = columns  # a table that names the case without this column
                continue
            found.append((row, columns, size_cell))
    if not found:
        if other_columns:
            raise LookupError(f"case '{case}' has no column '{column}' (it has: {', '.join(other_columns)})")
        if sizes:
            raise LookupError(f"case '{case}' has no row of size {size} (sizes: {', '.join(map(str, sizes))})")
        raise LookupError(f"no case '{case}'")
    texts = {cell_text(row[columns.index(column)], column) for row, columns, _ in found}
    if len(texts) > 1:
        # The tour repeats a module's rows in its summary table; the same value twice is one figure.
        raise LookupError(f"case '{case}' has {len(found)} rows with different '{column}' "
                          f"(sizes: {', '.join(str(s) for _, _, s in found)}): name one as {case}@SIZE")
    return texts.pop()


def code_lines(lines):
    """Indexes of the lines inside fenced code blocks (the fences included)."""
    inside, result = False, set()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            result.add(i)
            inside = not inside
        elif inside:
            result.add(i)
    return result


def fill(text, deck_name, reports=None):
    """The deck with its placeholders filled and its quoted/not-measured markers removed.

    reports: {stem: report} (default: every report in slides/reports/). Raises NumbersError
    listing every placeholder that names a missing report, case, size, column or field.
    """
    if reports is None:
        reports = load_reports()
    lines = text.split("\n")
    code = code_lines(lines)
    out, errors = [], []
    for i, line in enumerate(lines):
        if i in code:
            out.append(line)
            continue

        def replace(m):
            stem, key, stand_in = m.group(1), m.group(2).strip(), m.group(3)
            if stem not in reports and stand_in is not None:
                return stand_in  # the report is not saved yet: "to come"
            if stem not in reports:
                errors.append(f"{deck_name}:{i + 1}: {m.group(0)}: no report slides/reports/{stem}.json")
                return m.group(0)
            try:
                return lookup(reports[stem], key)
            except LookupError as e:
                errors.append(f"{deck_name}:{i + 1}: {m.group(0)}: {e.args[0]} in {stem}.json")
                return m.group(0)

        # `inline code` keeps its braces: it shows code, where {{...}} is C++, not a placeholder
        parts = re.split(r"(`[^`]*`)", line)
        filled = "".join(part if part.startswith("`") else PLACEHOLDER.sub(replace, part) for part in parts)
        if MARKER.search(filled):
            filled = MARKER.sub("", filled)
            if not filled.strip():
                continue  # a marker on a line of its own leaves no blank line behind
            filled = filled.rstrip()
        out.append(filled)
    if errors:
        raise NumbersError("\n".join(errors))
    return "\n".join(out)


def _visible(line):
    """The line as a reader sees it: no comments, no inline code, no placeholders."""
    return PLACEHOLDER.sub(" ", INLINE_CODE.sub(" ", COMMENT.sub(" ", line)))


def _table_cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def figures(text):
    """[(line number, figure text, covered)] for every figure outside code, in order."""
    lines = text.split("\n")
    code = code_lines(lines)
    if lines and lines[0].strip() == "---":  # Marp front matter
        for j in range(1, len(lines)):
            code.add(j)
            if lines[j].strip() == "---":
                code.add(0)
                break
    covered, block_marker = set(), False
    unit_columns = None  # the unit columns of the table being read
    result = []
    for i, line in enumerate(lines):
        if not line.strip():
            block_marker = False
        elif MARKER.search(line):
            if not _visible(line).strip():
                block_marker = True  # alone on its line: covers the block below
                continue
            covered.add(i)
        if block_marker:
            covered.add(i)
        if i in code:
            unit_columns = None
            continue
        visible = _visible(line)
        # "y = 2x" is algebra, not a speed-up: an x right after "= N" is skipped.
        found = [m.group(0) for m in FIGURE.finditer(visible)
                 if not (m.group(0)[-1] in "x×" and re.search(r"=\s?$", visible[:m.start()]))]
        if line.lstrip().startswith("|"):
            cells = _table_cells(_visible(line))
            if unit_columns is None:
                unit_columns = {c for c, title in enumerate(cells) if UNIT_TITLE.search(title)}
            elif not all(re.fullmatch(r":?-+:?", c) for c in cells):
                # a row titled with a unit ("| GB/s (H100) | 2576 | 2956 |") makes its numbers figures too
                row_unit = bool(UNIT_TITLE.search(cells[0]))
                for c in sorted(unit_columns | (set(range(1, len(cells))) if row_unit else set())):
                    # a cell of numbers alone ("2985", "**99.4**", "0.74 / 2.77 / 2.84"): each is a figure
                    if c < len(cells) and not re.search(r"[A-Za-z]", cells[c]) and not FIGURE.search(cells[c]):
                        found += re.findall(NUMBER, cells[c])
        else:
            unit_columns = None
        result += [(i + 1, f, i in covered) for f in found]
    return result


def problems(text, deck_name, reports=None):
    """One line per figure that is neither a placeholder nor marked, and per unfillable placeholder."""
    found = [f"{deck_name}:{line}: figure '{f}' is neither a placeholder nor marked "
             f"(<!-- quoted: CARD, DATE, FILE --> or <!-- not measured: WHY -->)"
             for line, f, covered in figures(text) if not covered]
    for line_no, line in enumerate(text.split("\n"), 1):
        m = MARKER.search(line)
        if m and not m.group(2).strip():
            found.append(f"{deck_name}:{line_no}: a '{m.group(1)}:' marker must say where from")
        for p in PLACEHOLDER.finditer(INLINE_CODE.sub(" ", line)):
            if p.group(3) and FIGURE.search(p.group(3)):
                found.append(f"{deck_name}:{line_no}: {p.group(0)}: the stand-in text is a figure")
    try:
        fill(text, deck_name, reports)
    except NumbersError as e:
        found += str(e).split("\n")
    return found


def decks():
    """Every file the rule applies to: the decks and the README."""
    return sorted((ROOT / "slides").glob("*.md")) + [ROOT / "README.md"]


def check_all(reports=None):
    """problems() of every deck and the README; the README is read as written (GitHub shows it
    raw, nothing fills it), so a placeholder there is a problem too."""
    if reports is None:
        reports = load_reports()
    found = []
    for path in decks():
        name, text = str(path.relative_to(ROOT)), path.read_text()
        found += problems(text, name, reports)
        if path.name == "README.md":
            found += [f"{name}:{i}: {m.group(0)}: the README is shown as written, nothing fills a placeholder"
                      for i, line in enumerate(text.split("\n"), 1) for m in PLACEHOLDER.finditer(INLINE_CODE.sub(" ", line))]
    return found


def named_reports():
    """The report stems the placeholders of the decks and README name, sorted."""
    return sorted({m.group(1) for path in decks() for m in PLACEHOLDER.finditer(path.read_text())})


def main(argv):
    if "--reports" in argv:  # for scripts/slide-reports
        print("\n".join(named_reports()))
        return 0
    try:
        all_problems = check_all()
    except NumbersError as e:  # a report that cannot be read
        print(e, file=sys.stderr)
        return 1
    if all_problems:
        print("\n".join(all_problems), file=sys.stderr)
        return 1
    print(f"{len(decks())} files, every figure filled from slides/reports/ or marked")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
