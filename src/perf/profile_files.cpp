// Profiles named on the command line (--profile FILE) in place of the shipped ones.
#include <fmt/format.h>

#include <set>

#include "tco/config/diagnostics.hpp"
#include "tco/perf/efficiency.hpp"

namespace tco::perf {

void use_profile_files(std::map<std::string, KernelProfile>& profiles,
                       const std::vector<std::filesystem::path>& files) {
  if (files.empty()) return;
  const auto generic = profiles.find("generic");
  if (generic == profiles.end()) throw std::logic_error("use_profile_files: no generic profile");
  // Fallbacks must point at the generic profile of this map, shared like load_profiles does.
  const auto fallback = std::make_shared<const KernelProfile>(generic->second);
  std::set<std::string> seen;
  std::string errors;
  for (const auto& file : files) {
    KernelProfile profile = load_profile(file);
    if (profile.gpu_id == "generic") {
      errors += fmt::format(
          "{}: error: --profile takes a GPU's profile; the generic one is derived from "
          "profiles/ by `tco-plan calibrate --all`\n",
          file.string());
      continue;
    }
    if (!seen.insert(profile.gpu_id).second) {
      errors += fmt::format("{}: error: a second --profile for GPU '{}'\n", file.string(),
                            profile.gpu_id);
      continue;
    }
    profile.fallback = fallback;
    profiles.insert_or_assign(profile.gpu_id, std::move(profile));
  }
  if (!errors.empty()) throw config::InputError(errors);
}

}  // namespace tco::perf
