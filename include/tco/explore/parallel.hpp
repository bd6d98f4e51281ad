#pragma once
// A minimal work-sharing loop over std::thread: items are claimed from an atomic counter and
// each result is written to its own slot, so the output order never depends on the thread count.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tco::explore {

/// Threads to use: `requested` when > 0, else the hardware's count (at least 1).
[[nodiscard]] inline int thread_count(int requested) {
  if (requested > 0) return requested;
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

/// Calls body(i) for i in [0, n) on `threads` threads; `done(count)` (optional) after each item,
/// from the worker that finished it. Rethrows the first exception a body threw.
inline void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body,
                         const std::function<void(std::size_t)>& done = {}) {
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> finished{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        body(i);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = n;  // stop claiming work
      }
      const std::size_t count = ++finished;
      if (done) done(count);
    }
  };
  const int used = static_cast<int>(std::min<std::size_t>(
      static_cast<std::size_t>(std::max(1, threads)), std::max<std::size_t>(n, 1)));
  std::vector<std::thread> pool;
  for (int t = 1; t < used; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tco::explore
