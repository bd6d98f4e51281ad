// --set parsing, YAML tree edits and the parallel evaluation of a sweep.
#include "tco/explore/sweep.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <mutex>
#include <optional>

#include "tco/config/diagnostics.hpp"
#include "tco/explore/parallel.hpp"

namespace tco::explore {

namespace {

[[noreturn]] void fail(const std::string& message) {
  throw config::InputError(fmt::format("tco-plan: error: {}\n", message));
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::optional<double> to_number(const std::string& text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

/// A range value printed as a plain number: integers without a decimal point, others with
/// enough digits to round-trip.
std::string range_value(double value) {
  if (std::abs(value - std::round(value)) < 1e-9 && std::abs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(std::llround(value)));
  }
  return fmt::format("{}", value);
}

struct Segment {
  std::string key;
  std::optional<std::string> selector;  ///< [index] or [name]
};

std::vector<Segment> parse_path(const std::string& path, const std::string& value) {
  std::vector<Segment> segments;
  for (const auto& part : split(path, '.')) {
    Segment segment;
    const auto open = part.find('[');
    if (open == std::string::npos) {
      segment.key = part;
    } else {
      if (part.back() != ']' || open + 2 > part.size() - 1) {
        fail(fmt::format("--set {}={}: malformed path segment '{}' (use key, key[index] or "
                         "key[name])",
                         path, value, part));
      }
      segment.key = part.substr(0, open);
      segment.selector = part.substr(open + 1, part.size() - open - 2);
    }
    if (segment.key.empty()) {
      fail(fmt::format("--set {}={}: empty key in the path", path, value));
    }
    segments.push_back(std::move(segment));
  }
  return segments;
}

}  // namespace

SetAxis parse_set(const std::string& argument) {
  const auto equals = argument.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == argument.size()) {
    fail(fmt::format("--set '{}': expected PATH=VALUES (e.g. options[0].tp=1,2,4 or "
                     "workload.requests_per_day=1e5:5e5:1e5)",
                     argument));
  }
  SetAxis axis;
  axis.path = trim(argument.substr(0, equals));
  const std::string values = argument.substr(equals + 1);
  const auto parts = split(values, ':');
  if (parts.size() == 2 || parts.size() == 3) {
    const auto start = to_number(trim(parts[0]));
    const auto stop = to_number(trim(parts[1]));
    const auto step = parts.size() == 3 ? to_number(trim(parts[2])) : std::optional<double>(1.0);
    if (start && stop && step) {
      if (*step <= 0 || *stop < *start) {
        fail(fmt::format("--set {}={}: a range needs start <= stop and a positive step",
                         axis.path, values));
      }
      const double count = std::floor((*stop - *start) / *step + 1e-9) + 1;
      if (count > 1e6) {
        fail(fmt::format("--set {}={}: {:.0f} values is too many", axis.path, values, count));
      }
      for (long long i = 0; i < static_cast<long long>(count); ++i) {
        axis.values.push_back(range_value(*start + static_cast<double>(i) * *step));
      }
      return axis;
    }
  }
  for (const auto& value : split(values, ',')) {
    const std::string trimmed = trim(value);
    if (trimmed.empty()) {
      fail(fmt::format("--set {}={}: empty value in the list", axis.path, values));
    }
    axis.values.push_back(trimmed);
  }
  return axis;
}

void apply_set(YAML::Node& root, const std::string& path, const std::string& value) {
  const auto segments = parse_path(path, value);
  // yaml-cpp nodes are handles: `a = b` overwrites what a refers to (that is how the value is
  // written), so walking down uses reset(), which re-points the handle.
  YAML::Node current;
  current.reset(root);
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& segment = segments[i];
    const bool last = i + 1 == segments.size();
    walked += (walked.empty() ? "" : ".") + segment.key;
    if (current.IsScalar()) {
      fail(fmt::format("--set {}={}: '{}' is a single value, not a mapping", path, value,
                       walked.substr(0, walked.rfind('.'))));
    }
    YAML::Node child = current[segment.key];
    if (!segment.selector) {
      if (last) {
        child = YAML::Node(value);
      }
      current.reset(child);
      continue;
    }
    if (!child.IsSequence()) {
      fail(fmt::format("--set {}={}: '{}' is not a list", path, value, walked));
    }
    YAML::Node element(YAML::NodeType::Undefined);
    bool found = false;
    const std::string& selector = *segment.selector;
    std::size_t index = 0;
    const auto [ptr, error] =
        std::from_chars(selector.data(), selector.data() + selector.size(), index);
    if (error == std::errc() && ptr == selector.data() + selector.size()) {
      if (index >= child.size()) {
        fail(fmt::format("--set {}={}: '{}' has {} elements, no [{}]", path, value, walked,
                         child.size(), index));
      }
      element.reset(child[index]);
      found = true;
    } else {
      std::vector<std::string> names;
      for (std::size_t k = 0; k < child.size(); ++k) {
        const YAML::Node name = child[k].IsMap() ? child[k]["name"] : YAML::Node();
        if (name.IsScalar()) {
          names.push_back(name.Scalar());
          if (!found && name.Scalar() == selector) {
            element.reset(child[k]);
            found = true;
          }
        }
      }
      if (!found) {
        fail(fmt::format("--set {}={}: '{}' has no element named '{}'{}", path, value, walked,
                         selector, config::did_you_mean(selector, names)));
      }
    }
    walked += "[" + selector + "]";
    if (last) {
      fail(fmt::format("--set {}={}: the path ends at a list element; name a key inside it",
                       path, value));
    }
    current.reset(element);
  }
}

std::vector<std::vector<std::string>> cartesian_product(const std::vector<SetAxis>& axes) {
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& axis : axes) {
    std::vector<std::vector<std::string>> next;
    next.reserve(points.size() * axis.values.size());
    for (const auto& point : points) {
      for (const auto& value : axis.values) {
        auto extended = point;
        extended.push_back(value);
        next.push_back(std::move(extended));
      }
    }
    points = std::move(next);
  }
  return points;
}

std::vector<plan::Evaluation> run_sweep(const SweepInput& input, const std::vector<SetAxis>& axes,
                                        const std::vector<std::vector<std::string>>& points,
                                        int threads,
                                        const std::function<void(std::size_t)>& progress) {
  YAML::Node base;
  try {
    base = YAML::Load(input.text);
  } catch (const YAML::ParserException&) {
    // Let the loader report the syntax error with its location.
    (void)config::parse_scenario(input.text, input.file, *input.catalog, *input.costs);
  }
  // The trees are built here, on one thread: yaml-cpp does not promise that concurrent reads
  // of one node are safe. A bad path fails before any evaluation.
  std::vector<YAML::Node> trees(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    trees[i] = YAML::Clone(base);
    for (std::size_t a = 0; a < axes.size(); ++a) apply_set(trees[i], axes[a].path, points[i][a]);
  }
  std::vector<plan::Evaluation> results(points.size());
  std::vector<std::string> errors(points.size());
  plan::EvaluateSettings settings;
  settings.explain = false;
  parallel_for(
      points.size(), threads,
      [&](std::size_t i) {
        try {
          const auto scenario =
              config::parse_scenario_tree(trees[i], input.text, input.file, *input.catalog,
                                          *input.costs);
          results[i] = plan::evaluate(scenario, *input.performance, settings);
        } catch (const config::InputError& error) {
          std::string sets;
          for (std::size_t a = 0; a < axes.size(); ++a) {
            sets += fmt::format("{}--set {}={}", a == 0 ? "" : " ", axes[a].path, points[i][a]);
          }
          errors[i] = fmt::format("sweep point {} ({}):\n{}", i + 1, sets, error.what());
        }
      },
      progress);
  std::string all;
  for (const auto& error : errors) all += error;
  if (!all.empty()) throw config::InputError(all);
  return results;
}

}  // namespace tco::explore
