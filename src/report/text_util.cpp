#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "tco/report/report.hpp"

namespace tco::report {

std::string align_columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  auto display_width = [](const std::string& text) {
    // Count UTF-8 code points, not bytes, so "—" and "µ" align; colour codes take no room.
    std::size_t width = 0;
    bool escape = false;
    for (const unsigned char c : text) {
      if (c == 0x1b) escape = true;
      if (!escape) width += (c & 0xC0) != 0x80;
      if (escape && c == 'm') escape = false;
    }
    return width;
  };
  for (const auto& row : rows) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

namespace {

bool is_number(const std::string& cell) {
  double value = 0;
  const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  return ec == std::errc() && end == cell.data() + cell.size();
}

std::string csv_cell(const std::string& cell) {
  std::string text = cell;
  // OWASP CSV injection guidance: neutralise formula triggers in text cells.
  if (!text.empty() && !is_number(text) &&
      (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
       text[0] == '\r')) {
    text = "'" + text;
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

std::string to_csv(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_cell(row[i]);
    }
    out += "\r\n";
  }
  return out;
}

void write_file_atomically(const std::filesystem::path& path, const std::string& content) {
  const auto directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const auto temporary =
      directory / fmt::format(".{}.tmp.{}", path.filename().string(), static_cast<long>(getpid()));
  {
    std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
    if (!stream) throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
    stream << content;
    stream.flush();
    if (!stream) {
      stream.close();
      std::remove(temporary.c_str());
      throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path.string(), error.message()));
  }
}

}  // namespace tco::report
