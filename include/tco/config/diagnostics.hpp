#pragma once
// Error collection for everything read from files: each error names file:line:column and the
// key path, and is printed with its source line and a caret (ninja style). Validation collects
// every error first and fails once with all of them.

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Mark;
}

namespace tco::config {

/// 1-based position in a named file; line 0 means "the file as a whole".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

[[nodiscard]] SourceLocation location_of(std::string_view file, const YAML::Mark& mark);

struct Diagnostic {
  SourceLocation where;
  std::string key_path;  ///< e.g. "options[0].gpu"; empty for file-level errors
  std::string message;
};

class Diagnostics {
 public:
  /// Registers the text of a file so errors in it can show the offending line.
  void add_source(const std::string& file, std::string text);
  void error(SourceLocation where, std::string key_path, std::string message);

  [[nodiscard]] bool has_errors() const { return !errors_.empty(); }
  [[nodiscard]] const std::vector<Diagnostic>& errors() const { return errors_; }
  /// All errors, each as "file:line:col: error: path: message" plus the line and a caret.
  [[nodiscard]] std::string format() const;

 private:
  std::vector<Diagnostic> errors_;
  std::map<std::string, std::vector<std::string>> source_lines_;
};

/// Thrown by loaders when a file is invalid; carries every error found.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::string formatted) : std::runtime_error(std::move(formatted)) {}
};

/// Largest input file read (scenario, catalog, config.json, CSV): far above any real one, low
/// enough that a wrong path (a log, a disk image, /dev/zero) fails at once instead of
/// exhausting memory.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{16} << 20;

/// Byte offset of the first byte that does not belong to well-formed UTF-8 (overlong forms,
/// surrogates and code points above U+10FFFF included), or std::string_view::npos.
[[nodiscard]] std::size_t invalid_utf8_offset(std::string_view text);
/// 1-based line and column (in bytes) of a byte offset.
[[nodiscard]] SourceLocation location_of_offset(std::string_view file, std::string_view text,
                                                std::size_t offset);
/// Records an error at the first byte that is not UTF-8 and returns false, else returns true.
/// Input must be UTF-8: reports quote it and JSON cannot carry anything else.
bool check_utf8(std::string_view text, const std::string& file, Diagnostics& diagnostics);

/// check_utf8, and no control character YAML does not allow (YAML 1.2 c-printable: of the C0
/// controls only tab, line feed and carriage return; not DEL). yaml-cpp does not reject them and
/// can turn a NUL inside a scalar into a stray byte that is no longer UTF-8.
bool check_yaml_text(std::string_view text, const std::string& file, Diagnostics& diagnostics);

/// Edit-distance suggestion: the closest candidate within a small distance, or "".
[[nodiscard]] std::string closest_match(std::string_view word,
                                        const std::vector<std::string>& candidates);
/// " (did you mean 'x'?)" or "" when nothing is close.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

}  // namespace tco::config
