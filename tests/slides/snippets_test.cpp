// SPDX-License-Identifier: MIT
// Every code block in a deck is cut from a real source file: a block preceded by
//   <!-- snippet: kernels/transfer/copy.cuh#copy_tiled -->
// must equal the lines between `// [snippet:copy_tiled]` and
// `// [/snippet:copy_tiled]` in that file (common indentation removed).
// `scripts/slides --sync` rewrites the blocks; this test fails when they drift.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> dedent(std::vector<std::string> lines) {
  std::size_t common = std::string::npos;
  for (const auto& l : lines) {
    if (l.find_first_not_of(' ') != std::string::npos) common = std::min(common, l.find_first_not_of(' '));
  }
  if (common == std::string::npos) return lines;
  for (auto& l : lines) l = l.size() >= common ? l.substr(common) : std::string();
  return lines;
}

// The marked region of a source file, or an error text starting with "!".
std::vector<std::string> cut(const fs::path& root, const std::string& file, const std::string& name) {
  const auto lines = split_lines(read_file(root / file));
  if (lines.empty()) return {"! missing file " + file};
  std::vector<std::string> region;
  bool inside = false, found = false;
  for (const auto& l : lines) {
    if (l.find("[/snippet:" + name + "]") != std::string::npos) {
      inside = false;
      continue;
    }
    if (inside) region.push_back(l);
    if (l.find("[snippet:" + name + "]") != std::string::npos) inside = found = true;
  }
  if (!found) return {"! no marker [snippet:" + name + "] in " + file};
  return dedent(region);
}

struct snippet_problem {
  std::string where, what;
};

// Checks one deck's text; returns the problems and counts the snippets seen.
std::vector<snippet_problem> check_deck(const std::string& deck_name, const std::string& text, const fs::path& root,
                                        int& snippets) {
  std::vector<snippet_problem> problems;
  const auto lines = split_lines(text);
  const std::regex marker(R"(<!--\s*snippet:\s*([^#\s]+)#(\S+)\s*-->)");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::smatch m;
    if (!std::regex_search(lines[i], m, marker)) continue;
    ++snippets;
    const std::string where = deck_name + ":" + std::to_string(i + 1);
    std::size_t open = i + 1;
    while (open < lines.size() && lines[open].empty()) ++open;
    if (open >= lines.size() || lines[open].rfind("```", 0) != 0) {
      problems.push_back({where, "no code block after the snippet marker"});
      continue;
    }
    std::vector<std::string> block;
    std::size_t close = open + 1;
    for (; close < lines.size() && lines[close].rfind("```", 0) != 0; ++close) block.push_back(lines[close]);
    const auto source = cut(root, m[1], m[2]);
    for (const std::string& code_line : block) {
      if (code_line.size() > 100) problems.push_back({where, "a line longer than 100 columns does not fit a slide"});
    }
    if (!source.empty() && source[0].rfind("! ", 0) == 0) {
      problems.push_back({where, source[0].substr(2)});
    } else if (block != source) {
      problems.push_back({where, "code differs from " + m[1].str() + "#" + m[2].str() + " (run scripts/slides --sync)"});
    }
  }
  return problems;
}

const fs::path root = GPULAB_SOURCE_DIR;

TEST(Slides, TheCourseDecksExist) {
  for (const char* deck : {"00-introduction.md", "01-device.md", "02-transfer.md"}) {
    EXPECT_TRUE(fs::exists(root / "slides" / deck)) << deck;
  }
}

TEST(Slides, EveryCodeBlockMatchesItsSource) {
  int snippets = 0;
  for (const auto& entry : fs::directory_iterator(root / "slides")) {
    if (entry.path().extension() != ".md") continue;
    for (const auto& p : check_deck(entry.path().filename().string(), read_file(entry.path()), root, snippets)) {
      ADD_FAILURE() << p.where << ": " << p.what;
    }
  }
  EXPECT_GE(snippets, 6) << "the decks should show real code";
}

TEST(Slides, TheCheckCatchesDrift) {
  int snippets = 0;
  const std::string drifted =
      "<!-- snippet: kernels/transfer/copy.cuh#copy_naive -->\n```cuda\n// an old version\n```\n"
      "<!-- snippet: kernels/transfer/copy.cuh#no_such_marker -->\n```cuda\n```\n"
      "<!-- snippet: kernels/no_such_file.cuh#x -->\n```cuda\n```\n"
      "<!-- snippet: kernels/transfer/copy.cuh#copy_naive -->\nno block here\n";
  const auto problems = check_deck("drifted.md", drifted, root, snippets);
  EXPECT_EQ(snippets, 4);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].what.find("differs"), std::string::npos);
  EXPECT_NE(problems[1].what.find("no marker"), std::string::npos);
  EXPECT_NE(problems[2].what.find("missing file"), std::string::npos);
  EXPECT_NE(problems[3].what.find("no code block"), std::string::npos);
}

}  // namespace
