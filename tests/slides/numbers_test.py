#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The numbers in the decks cannot drift (scripts/slide_numbers.py has the rule).

  FillTest, RuleTest: fill() and the figure rule on a small fixture report and made-up decks
  DecksTest:          every deck in slides/ and README.md: each figure filled or marked

Python, not C++ like snippets_test.cpp: fill() is the code that prepares the decks for Marp,
so the test runs that very code instead of a second implementation that could disagree with it.
CTest runs the two halves as slides.numbers_rules and slides.numbers_decks.
"""
import pathlib
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import slide_numbers as sn  # noqa: E402

FIXTURE = sn.load_reports(pathlib.Path(__file__).resolve().parent / "fixture")


def fill(text):
    return sn.fill(text, "deck.md", FIXTURE)


def unmarked(text):
    return [f for _, f, covered in sn.figures(text) if not covered]


class FillTest(unittest.TestCase):
    def test_cells_read_like_the_kit_table(self):
        # runner.cpp's decimals: 4 for times, 1 for rates and % peak, 3 for the CPU, "x" on speed-ups
        self.assertEqual(fill("{{tour-fixture:sum_multi_element:median ms}} ms"), "0.0742 ms")
        self.assertEqual(fill("{{tour-fixture:sum_multi_element:GB/s}}"), "3616.6")
        self.assertEqual(fill("{{tour-fixture:sum_multi_element:% peak}}%"), "90.3%")
        self.assertEqual(fill("{{tour-fixture:sum_multi_element:CPU ms}}"), "6.173")
        self.assertEqual(fill("{{tour-fixture:sum_multi_element:speed-up}}"), "83.2x")
        self.assertEqual(fill("{{tour-fixture:kmeans_fused:speed-up}}"), "26.8x")
        self.assertEqual(fill("{{tour-fixture:kmeans_fused:GFLOP/s}}"), "1234.6")
        self.assertEqual(fill("{{tour-fixture:kmeans_fused:GB/s}}"), "-")  # null in the JSON
        self.assertEqual(fill("{{tour-fixture:kmeans_fused:check}}"), "vs CPU")
        self.assertEqual(fill("{{tour-fixture:kmeans_fused:size}}"), "1000000")

    def test_first_column_names_the_row_of_a_demo_table(self):
        self.assertEqual(fill("{{tour-fixture:4096 x 4096:GPU ms}}"), "0.0451")
        self.assertEqual(fill("{{tour-fixture:4096 x 4096:mean iterations}}"), "2.90")

    def test_size_picks_one_of_several_rows(self):
        self.assertEqual(fill("{{tour-fixture:d2d_copy_kernel@1073741824:% peak}}"), "96.0")
        self.assertEqual(fill("{{tour-fixture:d2d_copy_kernel@67108864:median ms}}"), "0.0312")
        with self.assertRaises(sn.NumbersError) as e:
            fill("{{tour-fixture:d2d_copy_kernel:median ms}}")
        self.assertIn("name one as d2d_copy_kernel@SIZE", str(e.exception))
        with self.assertRaises(sn.NumbersError) as e:
            fill("{{tour-fixture:d2d_copy_kernel@4096:median ms}}")
        self.assertIn("no row of size 4096", str(e.exception))

    # A small device report in the test itself: tables whose first column is a number, no case column.
    TABLES = {"title": "device", "header": {"device": "0: NVIDIA H200 (compute capability 9.0)"}, "tables": [
        {"title": "Occupancy by block size, 0 B shared memory per block",
         "columns": ["block size", "blocks/SM", "occupancy %", "limited by"],
         "rows": [[32.0, 32.0, 50.0, "blocks per SM"], [256.0, 8.0, 100.0, "threads per SM"]]},
        {"title": "Occupancy by block size, 48.0 KiB shared memory per block",
         "columns": ["block size", "blocks/SM", "occupancy %", "limited by"],
         "rows": [[256.0, 4.0, 50.0, "shared memory"]]},
        {"title": "Copy bandwidth versus occupancy (256 threads per block)",
         "columns": ["blocks/SM", "occupancy %", "GB/s", "% of measured peak"],
         "rows": [[1.0, 12.5, 3283.5338692574883, 77.11615809153145],
                  [3.0, 37.5, 4052.4675429269078, 95.17511929055266],
                  [3.0, 37.5, 4052.4675429269078, 95.17511929055266]]},
        {"title": "Copy", "columns": ["case", "median ms"], "rows": [["d2d", 0.5]]},
        {"title": "curand_init: what initialising one state per thread costs",  # a generator per row, thrice
         "columns": ["generator", "method", "threads", "median ms"],
         "rows": [["xorwow", "subsequence per thread", 270336.0, 0.5868800282478333],
                  ["xorwow", "seed per thread", 270336.0, 0.01945599913597107],
                  ["philox", "subsequence per thread", 135168.0, 0.012000000104308128],
                  ["philox", "seed per thread", 135168.0, 0.009472000412642956]]},
    ]}

    def fill_tables(self, text):
        return sn.fill(text, "deck.md", {"dev-fixture": self.TABLES})

    def table_cell_error(self, text):
        with self.assertRaises(sn.NumbersError, msg=text) as e:
            self.fill_tables(text)
        self.assertEqual(len(str(e.exception).splitlines()), 1, str(e.exception))
        self.assertTrue(str(e.exception).startswith(f"deck.md:1: {text}: "), str(e.exception))
        return str(e.exception)

    def test_table_cell_by_title_first_column_and_column(self):
        # the kit's formatting of each column: GB/s 1 decimal, other numbers format_significant
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy bandwidth versus occupancy#1:GB/s}} GB/s"), "3283.5 GB/s")
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy bandwidth#1:occupancy %}}%"), "12.5%")
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy bandwidth#1:% of measured peak}}"), "77.1")
        self.assertEqual(self.fill_tables("{{dev-fixture:#Occupancy by block size, 0 B#32:limited by}}"), "blocks per SM")
        self.assertEqual(self.fill_tables("{{dev-fixture:#Occupancy by block size, 48#256:occupancy %}}%"), "50%")

    def test_table_cell_row_value_matches_numerically(self):
        # 256 and 256.0 in the JSON are one number; so are 1, 1.0 and 1e0
        self.assertEqual(self.fill_tables("{{dev-fixture:#Occupancy by block size, 0 B#256:blocks/SM}}"), "8")
        self.assertEqual(self.fill_tables("{{dev-fixture:#Occupancy by block size, 0 B#256.0:blocks/SM}}"), "8")
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy bandwidth#1e0:GB/s}}"), "3283.5")
        # a text first column matches its text
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy#d2d:median ms}}"), "0.5000")

    def test_table_cell_exact_title_wins_over_longer_titles(self):
        # "Copy" is a whole title and the start of another: the whole title names its table
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy#d2d:median ms}}"), "0.5000")
        self.assertIn("no row", self.table_cell_error("{{dev-fixture:#Copy#1:median ms}}"))

    def test_table_cell_title_prefix_of_two_tables_fails(self):
        why = self.table_cell_error("{{dev-fixture:#Occupancy by block size#256:blocks/SM}}")
        self.assertIn("2 tables' titles start with 'Occupancy by block size', name one by more of its title "
                      "('Occupancy by block size, 0 B shared memory per block'; "
                      "'Occupancy by block size, 48.0 KiB shared memory per block')", why)
        why = self.table_cell_error("{{dev-fixture:#Bandwidth#1:GB/s}}")
        self.assertIn("no table's title starts with 'Bandwidth' (titles: 'Occupancy by block size, 0 B", why)

    def test_table_cell_row_must_match_once(self):
        why = self.table_cell_error("{{dev-fixture:#Copy bandwidth#2:GB/s}}")
        self.assertTrue(why.endswith("table 'Copy bandwidth versus occupancy (256 threads per block)' has no rows "
                                     "whose blocks/SM is '2', not one (blocks/SM: 1, 3, 3) in dev-fixture.json"), why)
        why = self.table_cell_error("{{dev-fixture:#Copy bandwidth#3:GB/s}}")
        self.assertIn("has 2 rows whose blocks/SM is '3', not one", why)

    def test_table_cell_row_by_the_values_of_several_columns(self):
        # ROW "A & B": the first column is A and the second B, each matched like a one-column ROW
        self.assertEqual(self.fill_tables("{{dev-fixture:#curand_init#xorwow & seed per thread:median ms}} ms"),
                         "0.0195 ms")
        self.assertEqual(self.fill_tables("{{dev-fixture:#curand_init#philox & subsequence per thread:threads}}"),
                         "135168")
        self.assertEqual(self.fill_tables("{{dev-fixture:#curand_init#philox & seed per thread & 135168:median ms}}"),
                         "0.0095")
        # numbers numerically in every part: 12.5 is the JSON's 12.5, 1e0 is 1
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy bandwidth#1e0 & 12.50:GB/s}}"), "3283.5")

    def test_table_cell_several_columns_matching_no_row_fails(self):
        why = self.table_cell_error("{{dev-fixture:#curand_init#xorwow & offset per thread:median ms}}")
        self.assertTrue(why.endswith(
            "table 'curand_init: what initialising one state per thread costs' has no rows whose generator & method "
            "is 'xorwow & offset per thread', not one (generator & method: xorwow & subsequence per thread, "
            "xorwow & seed per thread, philox & subsequence per thread, philox & seed per thread) "
            "in dev-fixture.json"), why)
        why = self.table_cell_error("{{dev-fixture:#Copy bandwidth#3 & 37.5:GB/s}}")
        self.assertIn("has 2 rows whose blocks/SM & occupancy % is '3 & 37.5', not one "
                      "(blocks/SM & occupancy %: 1 & 12.5, 3 & 37.5, 3 & 37.5)", why)

    def test_table_cell_one_column_matching_several_rows_still_says_so(self):
        why = self.table_cell_error("{{dev-fixture:#curand_init#xorwow:median ms}}")
        self.assertIn("has 2 rows whose generator is 'xorwow', not one (generator: xorwow, xorwow, philox, philox)",
                      why)

    def test_table_cell_more_values_than_columns_fails(self):
        why = self.table_cell_error("{{dev-fixture:#Copy#d2d & 0.5 & 1:median ms}}")
        self.assertTrue(why.endswith("'d2d & 0.5 & 1' names 3 columns' values, table 'Copy' has 2 columns "
                                     "(case, median ms) in dev-fixture.json"), why)

    def test_table_cell_missing_column_fails(self):
        why = self.table_cell_error("{{dev-fixture:#Copy bandwidth#1:TB/s}}")
        self.assertTrue(why.endswith("has no column 'TB/s' (it has: blocks/SM, occupancy %, GB/s, % of measured peak) "
                                     "in dev-fixture.json"), why)
        self.assertIn("is not #TITLE#ROW:COLUMN", self.table_cell_error("{{dev-fixture:#Copy bandwidth#1}}"))

    def test_table_cell_stand_in_until_the_report_is_saved(self):
        self.assertEqual(self.fill_tables("{{dev-nothere:#Copy bandwidth#1:GB/s ?? to be measured}} GB/s"),
                         "to be measured GB/s")
        # once the report exists, the stand-in is not used and a missing cell is an error again
        self.assertEqual(self.fill_tables("{{dev-fixture:#Copy bandwidth#1:GB/s ?? to be measured}}"), "3283.5")
        self.assertIn("no rows whose blocks/SM is '5'",
                      self.table_cell_error("{{dev-fixture:#Copy bandwidth#5:GB/s ?? to be measured}}"))

    def test_header_fields(self):
        self.assertEqual(fill("{{tour-fixture:@card}}, {{tour-fixture:@date}}"), "NVIDIA H200, 2026-12-04")
        self.assertEqual(fill("{{tour-fixture:@revision}}"), "abc1234")
        self.assertTrue(fill("{{tour-fixture:@device}}").startswith("0: NVIDIA H200 (compute capability 9.0"))

    def test_each_missing_piece_is_one_line_naming_deck_and_line(self):
        cases = {
            "{{tour-nothere:sum_multi_element:median ms}}": "no report slides/reports/tour-nothere.json",
            "{{tour-fixture:sum_nothere:median ms}}": "no case 'sum_nothere'",
            "{{tour-fixture:sum_multi_element:TB/s}}": "has no column 'TB/s'",
            "{{tour-fixture:@nothere}}": "no header field 'nothere'",
            "{{tour-fixture:sum_multi_element}}": "is not CASE:COLUMN",
        }
        for text, why in cases.items():
            with self.assertRaises(sn.NumbersError, msg=text) as e:
                fill("title\n\nline two " + text)
            self.assertEqual(len(str(e.exception).splitlines()), 1)
            self.assertTrue(str(e.exception).startswith("deck.md:3: "), str(e.exception))
            self.assertIn(why, str(e.exception))

    def test_every_bad_placeholder_is_reported(self):
        with self.assertRaises(sn.NumbersError) as e:
            fill("{{tour-fixture:a:median ms}}\n{{tour-fixture:b:median ms}}")
        self.assertEqual([l.split(":")[1] for l in str(e.exception).splitlines()], ["1", "2"])

    def test_stand_in_text_until_the_report_is_saved(self):
        self.assertEqual(fill("{{ml-h200:kmeans_fused@1000000:median ms ?? to be measured}}"), "to be measured")
        self.assertEqual(fill("{{ml-h200:kmeans_fused:% peak ?? }}"), "")
        # once the report exists, the stand-in is not used and a missing cell is an error again
        self.assertEqual(fill("{{tour-fixture:kmeans_fused:median ms ?? to be measured}}"), "1.5000")
        with self.assertRaises(sn.NumbersError):
            fill("{{tour-fixture:kmeans_nothere:median ms ?? to be measured}}")
        found = sn.problems("{{ml-h200:kmeans_fused:median ms ?? about 1.5 ms}}", "d.md", FIXTURE)
        self.assertEqual(found, ["d.md:1: {{ml-h200:kmeans_fused:median ms ?? about 1.5 ms}}: the stand-in text is a figure"])

    def test_markers_are_removed_not_left_as_presenter_notes(self):
        text = ("# Slide\n<!-- quoted: H100, 2026-11-25, docs/perf-notes.md -->\n| a | ms |\n|---|---|\n| x | 1.5 |\n"
                "copy 3004 GB/s <!-- quoted: H100, docs/perf-notes.md -->\n<!-- not measured: a target -->\n"
                "<!-- snippet: a.cu#b -->")
        self.assertEqual(fill(text), "# Slide\n| a | ms |\n|---|---|\n| x | 1.5 |\ncopy 3004 GB/s\n<!-- snippet: a.cu#b -->")

    def test_code_blocks_are_left_alone(self):
        text = "```cpp\nint v[1] = {{0}};  // {{tour-fixture:x:y}}\n```\nand `{{tour-fixture:x:y}}` inline"
        self.assertEqual(fill(text), text)

    def test_a_report_that_is_not_json_is_one_line_with_file_line_and_column(self):
        import tempfile
        with tempfile.TemporaryDirectory() as folder:
            (pathlib.Path(folder) / "ml-h200.json").write_text('{"header": {\n')  # a truncated copy
            with self.assertRaises(sn.NumbersError) as caught:
                sn.load_reports(folder)
        self.assertRegex(str(caught.exception), r"ml-h200\.json:2:1: not valid JSON")


class RuleTest(unittest.TestCase):
    def test_units_are_figures(self):
        text = ("0.0742 ms, 84.1 us, 3 µs, 5 ns, 2 s, 3004 GB/s, 3.35 TB/s, 63.1 TFLOP/s, 904.1 GFLOP/s, "
                "715.5 G numbers/s, 1105 G darts/s, 716 G/s, 90.3%, 26x, 1.4×, 93.9-94.5%")
        self.assertEqual(unmarked(text), ["0.0742 ms", "84.1 us", "3 µs", "5 ns", "2 s", "3004 GB/s", "3.35 TB/s",
                                          "63.1 TFLOP/s", "904.1 GFLOP/s", "715.5 G numbers/s", "1105 G darts/s", "716 G/s",
                                          "90.3%", "26x", "1.4×", "93.9-94.5%"])

    def test_not_figures(self):
        text = ("y = 2x on 50M floats, 2 x 4 threads, 141 GB of HBM, H100, sm_90, 16x16 tiles, 45 minutes, 0x7f, "
                "2^26 elements, `--size 1GiB` and `85%` in code, <!-- snippet: a#10ms -->")
        self.assertEqual(unmarked(text), [])

    def test_code_blocks_and_front_matter_are_not_scanned(self):
        self.assertEqual(unmarked("---\nmarp: true\ntitle: 5 ms\n---\n```\nt = 5 ms\n```\nreal 6 ms"), ["6 ms"])

    def test_marker_on_the_line_covers_that_line_only(self):
        text = "a 5 ms <!-- quoted: H100, 2026-11-25, docs/perf-notes.md -->\nb 6 ms"
        self.assertEqual(unmarked(text), ["6 ms"])

    def test_marker_alone_covers_the_block_below_up_to_a_blank_line(self):
        text = ("<!-- quoted: H100, 2026-11-25, docs/perf-notes.md -->\n| case | ms |\n|---|---|\n| a | 5 ms |\n"
                "| b | 7 ms |\n\n| c | 9 ms |")
        self.assertEqual(unmarked(text), ["9 ms"])
        self.assertEqual(unmarked("<!-- not measured: target -->\n\n85% of the ceiling"), ["85%"])

    def test_bare_numbers_under_a_unit_title_are_figures(self):
        text = "| case | GB/s | % of copy | blocks | speed-up |\n|---|---|---|---|---|\n| a | 2985 | **99.4** | 8 | 26 |"
        self.assertEqual(unmarked(text), ["2985", "99.4", "26"])
        self.assertEqual(unmarked("| case | ms |\n|---|---|\n| a / b | 0.74 / 2.77 |\n| c | (to come) |"), ["0.74", "2.77"])
        self.assertEqual(unmarked("| blocks/SM | 1 | 2 |\n|---|---|---|\n| occupancy | 12.5% | 25% |\n| GB/s | 2576 | 2956 |"),
                         ["12.5%", "25%", "2576", "2956"])
        # a new table starts with its own titles
        self.assertEqual(unmarked("| a | ms |\n|---|---|\n| x | 1 |\n\n| b | c |\n|---|---|\n| y | 2 |"), ["1"])

    def test_placeholders_are_not_unmarked_figures(self):
        self.assertEqual(unmarked("sum: {{tour-fixture:sum_multi_element:median ms}} ms"), [])

    def test_problems_names_file_line_and_figure(self):
        found = sn.problems("title\n\nthe copy ran at 3004 GB/s", "slides/99-x.md", FIXTURE)
        self.assertEqual(len(found), 1)
        self.assertTrue(found[0].startswith("slides/99-x.md:3: figure '3004 GB/s' is neither"), found[0])

    def test_problems_include_missing_cells_and_empty_markers(self):
        found = sn.problems("a {{tour-fixture:sum_multi_element:TB/s}}\nb 5 ms <!-- quoted: -->", "d.md", FIXTURE)
        self.assertEqual(len(found), 2, found)
        self.assertTrue(any(f.startswith("d.md:2: a 'quoted:' marker must say where from") for f in found))
        self.assertTrue(any(f.startswith("d.md:1: {{tour-fixture:sum_multi_element:TB/s}}") for f in found))


class DecksTest(unittest.TestCase):
    def test_every_figure_in_the_decks_and_readme_is_filled_or_marked(self):
        found = sn.check_all()
        if found:
            self.fail(f"{len(found)} problems:\n" + "\n".join(found))

    def test_the_saved_reports_are_kit_reports(self):
        for stem, report in sn.load_reports().items():
            self.assertEqual(set(report), {"title", "header", "tables"}, stem)
            self.assertIn("device", report["header"], stem)
            for table in report["tables"]:
                for row in table["rows"]:
                    self.assertEqual(len(row), len(table["columns"]), f"{stem}: {table['title']}")


if __name__ == "__main__":
    unittest.main()
