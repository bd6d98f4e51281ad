#pragma once
// A progress bar on stderr for long runs: drawn only when stderr is a terminal and the run has
// taken more than a second, redrawn at most ten times a second, erased at the end.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace tco::cli {

class Progress {
 public:
  Progress(std::string label, std::size_t total)
      : label_(std::move(label)), total_(total), start_(Clock::now()),
        enabled_(isatty(STDERR_FILENO) != 0) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() { finish(); }

  /// Thread-safe: called by the workers as items finish.
  void update(std::size_t done) {
    if (!enabled_) return;
    const std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_ = now;
    constexpr int kWidth = 30;
    const double share =
        total_ == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
    const int filled = static_cast<int>(share * kWidth);
    const std::string bar(static_cast<std::size_t>(filled), '#');
    const std::string rest(static_cast<std::size_t>(kWidth - filled), ' ');
    std::fprintf(stderr, "\r%s [%s%s] %zu/%zu", label_.c_str(), bar.c_str(), rest.c_str(), done,
                 total_);
    std::fflush(stderr);
    drawn_ = true;
  }

  void finish() {
    const std::lock_guard lock(mutex_);
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }

 private:
  using Clock = std::chrono::steady_clock;
  std::string label_;
  std::size_t total_;
  Clock::time_point start_;
  Clock::time_point last_{};
  bool enabled_;
  bool drawn_ = false;
  std::mutex mutex_;
};

}  // namespace tco::cli
