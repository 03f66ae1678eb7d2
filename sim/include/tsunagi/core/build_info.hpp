#pragma once
// What build this is; written into every output file's /meta.

#include <string>

namespace tsunagi {

std::string version();      // "0.1.0"
std::string git_revision(); // `git describe --always --dirty` at build time, or "unknown"
std::string build_type();   // CMake build type
bool debug_build() noexcept;

} // namespace tsunagi
