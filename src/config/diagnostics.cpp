#include "tco/config/diagnostics.hpp"

#include <fmt/format.h>
#include <yaml-cpp/mark.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace tco::config {

SourceLocation location_of(std::string_view file, const YAML::Mark& mark) {
  // YAML::Mark is 0-based; a null mark (-1) means the position is unknown.
  if (mark.line < 0) return {std::string(file), 0, 0};
  return {std::string(file), mark.line + 1, mark.column + 1};
}

std::size_t invalid_utf8_offset(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // Sequence length and the range of the second byte (RFC 3629 table), which excludes
    // overlong forms, UTF-16 surrogates and code points above U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) low = 0xa0;
      if (lead == 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) low = 0x90;
      if (lead == 0xf4) high = 0x8f;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    if (byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

SourceLocation location_of_offset(std::string_view file, std::string_view text,
                                  std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const std::size_t newline = before.rfind('\n');
  const auto line = std::count(before.begin(), before.end(), '\n') + 1;
  const std::size_t column = newline == std::string_view::npos ? offset + 1 : offset - newline;
  return {std::string(file), static_cast<int>(std::min<std::ptrdiff_t>(line, 1 << 30)),
          static_cast<int>(std::min<std::size_t>(column, 1 << 30))};
}

bool check_utf8(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  const std::size_t bad = invalid_utf8_offset(text);
  if (bad == std::string_view::npos) return true;
  diagnostics.error(location_of_offset(file, text, bad), {},
                    fmt::format("byte 0x{:02x} is not valid UTF-8 (save the file as UTF-8)",
                                static_cast<unsigned char>(text[bad])));
  return false;
}

bool check_yaml_text(std::string_view text, const std::string& file, Diagnostics& diagnostics) {
  if (!check_utf8(text, file, diagnostics)) return false;
  const auto control = std::find_if(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f;
  });
  if (control == text.end()) return true;
  const auto offset = static_cast<std::size_t>(control - text.begin());
  diagnostics.error(location_of_offset(file, text, offset), {},
                    fmt::format("byte 0x{:02x} is a control character, which YAML does not allow",
                                static_cast<unsigned char>(*control)));
  return false;
}

void Diagnostics::add_source(const std::string& file, std::string text) {
  std::vector<std::string> lines;
  std::istringstream stream(std::move(text));
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  source_lines_[file] = std::move(lines);
}

void Diagnostics::error(SourceLocation where, std::string key_path, std::string message) {
  errors_.push_back({std::move(where), std::move(key_path), std::move(message)});
}

std::string Diagnostics::format() const {
  std::string out;
  for (const auto& diagnostic : errors_) {
    const auto& where = diagnostic.where;
    const std::string prefix =
        where.line > 0 ? fmt::format("{}:{}:{}", where.file, where.line, where.column)
                       : where.file;
    const std::string path = diagnostic.key_path.empty() ? "" : diagnostic.key_path + ": ";
    out += fmt::format("{}: error: {}{}\n", prefix, path, diagnostic.message);
    const auto lines = source_lines_.find(where.file);
    if (where.line <= 0 || lines == source_lines_.end() ||
        where.line > static_cast<int>(lines->second.size())) {
      continue;
    }
    const std::string& full = lines->second[static_cast<std::size_t>(where.line - 1)];
    // A very long line (minified JSON, a runaway value) is shown as a window around the
    // column, so one error never prints megabytes.
    constexpr std::size_t kShownWidth = 160;
    std::string line = full;
    int column = where.column;
    if (full.size() > kShownWidth) {
      // yaml-cpp can place a mark past the end of the line as split here (a stray NUL or
      // other break character): the window then ends at the line's end.
      const auto at = std::min(static_cast<std::size_t>(std::max(column - 1, 0)), full.size());
      const std::size_t start = at > kShownWidth / 2 ? at - kShownWidth / 2 : 0;
      line = (start > 0 ? "..." : "") + full.substr(start, kShownWidth) +
             (start + kShownWidth < full.size() ? "..." : "");
      column = static_cast<int>(at - start) + 1 + (start > 0 ? 3 : 0);
    }
    out += fmt::format("{:>5} | {}\n", where.line, line);
    // Tabs in the source line keep their width in the caret line so the caret lines up.
    std::string pad;
    for (int i = 0; i + 1 < column && i < static_cast<int>(line.size()); ++i) {
      pad += line[static_cast<std::size_t>(i)] == '\t' ? '\t' : ' ';
    }
    out += fmt::format("      | {}^\n", pad);
  }
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const auto ca = std::tolower(static_cast<unsigned char>(a[i - 1]));
      const auto cb = std::tolower(static_cast<unsigned char>(b[j - 1]));
      const std::size_t substitution = previous[j - 1] + (ca == cb ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Like ninja's SpellcheckString: accept up to a third of the word's length in edits.
  const std::size_t max_distance = std::max<std::size_t>(2, word.size() / 3);
  std::string best;
  std::size_t best_distance = max_distance + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (!best.empty()) return best;
  // Keys that differ by a '_'-separated tail, too far apart in edits: a unit written into the
  // key ('tpot_ms' for 'tpot') or a shortened key ('growth' for 'growth_per_year').
  auto extends = [](std::string_view longer, std::string_view shorter) {
    return !shorter.empty() && longer.size() > shorter.size() + 1 &&
           longer.substr(0, shorter.size()) == shorter && longer[shorter.size()] == '_';
  };
  for (const auto& candidate : candidates) {
    if (extends(word, candidate) || extends(candidate, word)) return candidate;
  }
  return {};
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const std::string match = closest_match(word, candidates);
  return match.empty() ? "" : fmt::format(" (did you mean '{}'?)", match);
}

}  // namespace tco::config
